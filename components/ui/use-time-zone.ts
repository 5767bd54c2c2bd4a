"use client";
import { useTimeZone as useIntlTimeZone } from "next-intl";
import { useSyncExternalStore } from "react";
import { BROWSER_ZONE_COOKIE, SHANGHAI, ZONE_COOKIE, type ZoneChoice, zoneChoice } from "@/i18n/time-zone";

// The chosen zone lives in a cookie (so the server renders the same times) and in this store (so
// every time on the page changes at once when the switch is clicked, without a reload).
const listeners = new Set<() => void>();
const subscribe = (listener: () => void) => {
  listeners.add(listener);
  return () => void listeners.delete(listener);
};
const cookie = (name: string) =>
  document.cookie
    .split("; ")
    .find((c) => c.startsWith(`${name}=`))
    ?.slice(name.length + 1);
const setCookie = (name: string, value: string) => {
  // biome-ignore lint/suspicious/noDocumentCookie: a plain preference read on the server; the Cookie Store API is not in every browser ops use.
  document.cookie = `${name}=${encodeURIComponent(value)}; path=/; max-age=31536000; samesite=lax`;
};

// Read once, then again only when the tab is shown again: every time on the page asks for the zone
// at each render, and each ask read document.cookie and built an Intl.DateTimeFormat (when the
// choice is the browser's zone), a few hundred times per change on a busy overview.
let known: { choice: ZoneChoice; browser: string } | null = null;
const read = () => ({
  choice: zoneChoice(decodeURIComponent(cookie(ZONE_COOKIE) ?? "")),
  browser: Intl.DateTimeFormat().resolvedOptions().timeZone,
});
const current = () => (known ??= read());

// Another tab's choice (the cookie is shared) or a new zone of the computer (a laptop that travelled)
// shows when this tab is looked at again, on every time at once.
if (typeof document !== "undefined") {
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState !== "visible" || !known) return;
    const now = read();
    if (now.choice === known.choice && now.browser === known.browser) return;
    const moved = now.browser !== known.browser;
    known = now;
    if (moved) rememberBrowserZone();
    for (const l of listeners) l();
  });
}

export const browserZone = () => current().browser;
const currentChoice = (): ZoneChoice => current().choice;
const currentZone = () => (currentChoice() === "utc8" ? SHANGHAI : browserZone());

/** Remembers the choice (a year) and re-renders every time shown. */
export function chooseZone(choice: ZoneChoice) {
  setCookie(ZONE_COOKIE, choice === "utc8" ? SHANGHAI : "local");
  known = { ...current(), choice };
  for (const l of listeners) l();
}

/** Tells the server the browser's zone, for the next server render. */
export function rememberBrowserZone() {
  const zone = browserZone();
  if (decodeURIComponent(cookie(BROWSER_ZONE_COOKIE) ?? "") !== zone) setCookie(BROWSER_ZONE_COOKIE, zone);
}

/** The zone times are shown in: during hydration the one the server rendered with, then the browser's choice. */
export function useDisplayZone(): string {
  const serverZone = useIntlTimeZone() ?? "UTC";
  return useSyncExternalStore(subscribe, currentZone, () => serverZone);
}

/** The switch's state: the server's reading of the cookie during hydration, then the cookie. */
export function useZoneChoice(initial: ZoneChoice): ZoneChoice {
  return useSyncExternalStore(subscribe, currentChoice, () => initial);
}
