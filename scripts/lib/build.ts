import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { buildReadPlane } from "./read-plane-bundle";
import { sourceHash } from "./source-hash";

/**
 * Runs `next build` unless the last build came from exactly these sources, then bundles the read
 * plane (always: it takes milliseconds).
 */
export function ensureBuild(root: string, log: (msg: string) => void): boolean {
  if (!ensureNextBuild(root, log)) return false;
  buildReadPlane(root);
  return true;
}

function ensureNextBuild(root: string, log: (msg: string) => void): boolean {
  const hashFile = path.join(root, ".next", "tickethub-source-hash");
  const hash = sourceHash(root);
  const fresh = existsSync(path.join(root, ".next", "BUILD_ID")) && existsSync(hashFile) && readFileSync(hashFile, "utf8") === hash;
  if (fresh) return true;
  log("building the dashboard (first start or changed sources)…");
  const res = spawnSync(process.execPath, [path.join(root, "node_modules/next/dist/bin/next"), "build"], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
  });
  if (res.status !== 0) return false;
  writeFileSync(hashFile, hash);
  return true;
}
