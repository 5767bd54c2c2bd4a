"use client";
import { useSyncExternalStore } from "react";
import type { DatabaseOutage } from "@/lib/database-outage";

/**
 * Whether the server's database answers, as the change stream's pings say (server/live/changes.ts).
 * A live server whose database is down answers from memory: the page is stale then too (banner,
 * greyed countdowns: freshness.ts), with the database named as the cause. Kept apart from
 * freshness.ts, which knows only whether the server itself answers.
 */
let outage: DatabaseOutage | null = null;
const listeners = new Set<() => void>();

/** What the latest ping said; true when it ends an outage (the page then refetches what it shows). */
export function noteDatabase(next: DatabaseOutage | null): boolean {
  const prev = outage;
  if (prev?.since === next?.since && prev?.confirmedAt === next?.confirmedAt) return false;
  outage = next;
  for (const l of listeners) l();
  return prev !== null && next === null;
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The database outage the server reports, or null while its database answers. */
export function useDatabaseOutage(): DatabaseOutage | null {
  return useSyncExternalStore(
    subscribe,
    () => outage,
    () => null,
  );
}
