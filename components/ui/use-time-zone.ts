"use client";
import { useTimeZone as useIntlTimeZone } from "next-intl";
import { useSyncExternalStore } from "react";
import { BROWSER_ZONE_COOKIE, SHANGHAI, ZONE_COOKIE, type ZoneChoice, zoneChoice } from "@/i18n/time-zone";

// The chosen zone lives in a cookie (so the server renders the same times) and in this store (so
// every time on the page changes at once when the switch is clicked, without a reload).
const listeners = new Set<() => void>();
/** Subscribes to the zone's changes (a choice, here or in another tab; a new zone of the computer). */
export const subscribeZone = (listener: () => void) => {
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

// Read once, then again only when something says it changed (below): every time on the page asks
// for the zone at each render, and each ask read document.cookie and built an Intl.DateTimeFormat (when the
// choice is the browser's zone), a few hundred times per change on a busy overview.
let known: { choice: ZoneChoice; browser: string } | null = null;
const read = () => ({
  choice: zoneChoice(decodeURIComponent(cookie(ZONE_COOKIE) ?? "")),
  browser: Intl.DateTimeFormat().resolvedOptions().timeZone,
});
const current = () => (known ??= read());

const apply = (next: { choice: ZoneChoice; browser: string }) => {
  if (known && next.choice === known.choice && next.browser === known.browser) return;
  const moved = known !== null && next.browser !== known.browser;
  known = next;
  if (moved) rememberBrowserZone();
  for (const l of listeners) l();
};

// A choice made in another tab or window (the cookie is shared) shows here at once, through a
// BroadcastChannel; a new zone of the computer (a laptop that travelled), and a choice missed
// meanwhile, when the tab is looked at again. Either way on every time at once.
const CHANNEL = "tickethub-zone";
const channel = typeof window !== "undefined" && typeof BroadcastChannel !== "undefined" ? new BroadcastChannel(CHANNEL) : null;
if (channel) {
  channel.onmessage = (e: MessageEvent<unknown>) => {
    // Before this tab read the zone, there is nothing to update: it reads the cookie when asked.
    if ((e.data === "utc8" || e.data === "local") && known) apply({ ...known, choice: e.data });
  };
}
if (typeof document !== "undefined") {
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible" && known) apply(read());
  });
}

export const browserZone = () => current().browser;
const currentChoice = (): ZoneChoice => current().choice;
const currentZone = () => (currentChoice() === "utc8" ? SHANGHAI : browserZone());

/** Remembers the choice (a year) and re-renders every time shown. */
export function chooseZone(choice: ZoneChoice) {
  setCookie(ZONE_COOKIE, choice === "utc8" ? SHANGHAI : "local");
  apply({ ...current(), choice });
  channel?.postMessage(choice);
}

/** Tells the server the browser's zone, for the next server render. */
export function rememberBrowserZone() {
  const zone = browserZone();
  if (decodeURIComponent(cookie(BROWSER_ZONE_COOKIE) ?? "") !== zone) setCookie(BROWSER_ZONE_COOKIE, zone);
}

/** The zone times are shown in: during hydration the one the server rendered with, then the browser's choice. */
export function useDisplayZone(): string {
  const serverZone = useIntlTimeZone() ?? "UTC";
  return useSyncExternalStore(subscribeZone, currentZone, () => serverZone);
}

/** The switch's state: the server's reading of the cookie during hydration, then the cookie. */
export function useZoneChoice(initial: ZoneChoice): ZoneChoice {
  return useSyncExternalStore(subscribeZone, currentChoice, () => initial);
}
