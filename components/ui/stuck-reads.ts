"use client";
import type { Query, QueryClient } from "@tanstack/react-query";
import { ApiError } from "./fetch-json";

/**
 * A read a change asked for that failed for a passing reason (no answer in time on a tab starved of
 * CPU, a 5xx, a 429) left the page showing the data from before the change while the header said
 * "Updated just now": TanStack tries once more, and then nothing asked again until the next change
 * or the 2-min safety refetch (bench/idle-tabs.ts, 100 browsers on 2 cores: 12 tabs never showed
 * the change, their list reads cut off by the deadline twice). Such a query stays invalidated, with
 * its error. At each ping of the change stream (every 2 s; the server answers, live-updates.tsx)
 * this asks again for each one on screen, each after a pause that doubles from 2 s to 60 s, so a
 * server that keeps failing is not asked every 2 s by every tab. A refusal (4xx) is not asked again:
 * asking would get the same answer.
 */
const FIRST_PAUSE_MS = 2_000;
const MAX_PAUSE_MS = 60_000;

/** Per query: the retries asked since its last success (its dataUpdatedAt then). */
const retries = new WeakMap<Query, { count: number; since: number }>();

function passing(error: unknown): boolean {
  if (!(error instanceof ApiError)) return false;
  return error.status === 0 || error.status === 429 || error.status >= 500;
}

/** Asks again for the stuck reads on screen whose pause is over; returns how many it asked for. */
export function retryStuckReads(queryClient: QueryClient, now = Date.now()): number {
  const stuck = queryClient.getQueryCache().findAll({
    type: "active",
    predicate: (q) => q.state.isInvalidated && q.state.status === "error" && q.state.fetchStatus === "idle" && passing(q.state.error),
  });
  let asked = 0;
  for (const query of stuck) {
    let tried = retries.get(query);
    if (!tried || tried.since !== query.state.dataUpdatedAt) {
      tried = { count: 0, since: query.state.dataUpdatedAt };
      retries.set(query, tried);
    }
    const pause = Math.min(FIRST_PAUSE_MS * 2 ** tried.count, MAX_PAUSE_MS);
    if (now - query.state.errorUpdatedAt < pause) continue;
    tried.count++;
    asked++;
    void queryClient.refetchQueries({ queryKey: query.queryKey, exact: true, type: "active" });
  }
  return asked;
}
