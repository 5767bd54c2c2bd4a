"use client";
import { useTranslations } from "next-intl";
import { useSyncExternalStore } from "react";
import { useDatabaseOutage } from "./database-outage";
import { subscribeNow, tickingNow } from "./use-now";

/**
 * Whether the server is answering, as the whole page sees it: every answer (fetch-json.ts) and
 * every event of the change stream (live-updates.tsx, a heartbeat every 2 s) counts. Without news
 * for STALE_AFTER_MS the page is stale: a banner says since when, countdowns grey out. The next
 * answer makes it fresh again.
 *
 * 4 s = two heartbeats: a healthy stream is never that quiet, and a stopped server shows within
 * 5 s of its last answer (the check is a timer set for that moment, not a once-a-second poll).
 */
export const STALE_AFTER_MS = 4_000;

export type Freshness = { lastHeardAt: number; stale: boolean; watching: boolean };

let snapshot: Freshness = { lastHeardAt: 0, stale: false, watching: false };
const listeners = new Set<() => void>();
let timer: ReturnType<typeof setTimeout> | undefined;

function set(next: Freshness) {
  snapshot = next;
  for (const l of listeners) l();
}

function arm() {
  if (timer) clearTimeout(timer);
  if (!snapshot.watching) return;
  const due = snapshot.lastHeardAt + STALE_AFTER_MS - Date.now();
  timer = setTimeout(
    () => {
      if (Date.now() - snapshot.lastHeardAt >= STALE_AFTER_MS) set({ ...snapshot, stale: true });
      else arm();
    },
    Math.max(0, due),
  );
}

/** The server answered just now. */
export function heardFromServer(): void {
  if (typeof window === "undefined") return;
  set({ ...snapshot, lastHeardAt: Date.now(), stale: false });
  arm();
}

/**
 * Starts expecting news (the change stream is open): from now on, silence turns the page stale.
 * Returns a function that stops it.
 */
export function watchFreshness(): () => void {
  set({ ...snapshot, watching: true, lastHeardAt: snapshot.lastHeardAt || Date.now() });
  arm();
  return () => {
    if (timer) clearTimeout(timer);
    set({ ...snapshot, watching: false, stale: false });
  };
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

const serverSnapshot: Freshness = { lastHeardAt: 0, stale: false, watching: false };

/**
 * Whether nothing on the page is confirmed (a silent server, or its database down), rendering again
 * only when that changes: not at every heartbeat (lastHeardAt moves every 2 s).
 */
export function useStale(): boolean {
  const silent = useSyncExternalStore(
    subscribe,
    () => snapshot.stale,
    () => false,
  );
  const database = useDatabaseOutage();
  return silent || database !== null;
}

/**
 * The grey of a text that counts on the last known state while it is not confirmed (useUnconfirmed):
 * slate-600, which keeps 4.5:1 on the tinted boxes it also appears in (time to impact on red-50).
 */
export const UNCONFIRMED_TEXT = "text-slate-600 dark:text-slate-400";

/**
 * For what shows the last known state (a countdown, a health, a planned time): while nothing on the
 * page is confirmed (useStale), `data-stale` and a title saying so, to spread on the element that
 * greys (texts with UNCONFIRMED_TEXT); null otherwise.
 */
export function useUnconfirmed(): { "data-stale": true; title: string } | null {
  const stale = useStale();
  const t = useTranslations("freshness");
  return stale ? { "data-stale": true, title: t("unconfirmed") } : null;
}

/**
 * `select(freshness, now)` whenever the server is heard from or goes quiet, and with `ticking` at each
 * tick of the page's ticker too (use-now.ts; `now` 0 during server rendering and hydration), rendering again only
 * when it reads differently (Object.is). A healthy page hears a ping every 2 s and ticks every
 * second; what the header shows of them ("Updated just now", the banner) changes only when the
 * server is late, so with the whole snapshot and the ticker's time every open tab drew it again 1½ times a
 * second for nothing (100 idle tabs share the machine's cores: bench/idle-tabs.ts).
 */
export function useFreshnessSelect<T>(select: (freshness: Freshness, nowMs: number) => T, ticking = false): T {
  return useSyncExternalStore(
    ticking ? subscribeBoth : subscribe,
    () => select(snapshot, tickingNow()),
    () => select(serverSnapshot, 0),
  );
}

function subscribeBoth(listener: () => void): () => void {
  const heard = subscribe(listener);
  const ticks = subscribeNow(listener);
  return () => {
    heard();
    ticks();
  };
}
