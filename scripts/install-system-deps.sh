#!/usr/bin/env bash
# Installs what the test suite needs from Debian's packages when the machine lacks it:
# Chromium (the browser tests drive it), a CJK font (vendor messages and names are Chinese; without one
# the screenshots show boxes) and the PostgreSQL server (tests start throwaway clusters).
set -euo pipefail
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
[ -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || need+=(fonts-wqy-microhei)
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && ! command -v initdb >/dev/null 2>&1; then need+=(postgresql); fi
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "missing ${need[*]}: install them with: sudo apt-get install -y ${need[*]}" >&2
  exit 1
fi
echo "installing ${need[*]} from Debian's packages…"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
# The Debian package starts a cluster of its own; the tests start their own instead.
if [[ " ${need[*]} " == *" postgresql "* ]]; then service postgresql stop >/dev/null 2>&1 || true; fi
echo "installed ${need[*]}"
