"use client";
import type { Query, QueryClient } from "@tanstack/react-query";
import { ApiError } from "./fetch-json";

/**
 * A read a change asked for that failed for a passing reason (no answer in time on a tab starved of
 * CPU, a 5xx, a 429) left the page showing the data from before the change while the header said
 * "Updated just now": TanStack tries once more, and then nothing asked again until the next change
 * or the 2-min safety refetch (bench/idle-tabs.ts, 100 browsers on 2 cores: 12 tabs never showed
 * the change, their list reads cut off by the deadline twice). At each ping of the change stream
 * (every 2 s; the server answers, live-updates.tsx) this asks again for each such query on screen
 * that still shows data (a page without any shows its error and a Try again button, which a retry
 * would swap for "Loading…" at every attempt), each after a pause that doubles from 2 s to 60 s,
 * times a factor between 0.5 and 1 drawn once per query and run of failures (the tabs that failed
 * together do not all ask again at the same ping). A refusal (4xx) or a malformed answer is not
 * asked again: asking would get the same answer.
 */
const FIRST_PAUSE_MS = 2_000;
const MAX_PAUSE_MS = 60_000;

/** Per query: the retries asked since its last success (its dataUpdatedAt then), and its pauses' factor. */
const retries = new WeakMap<Query, { count: number; since: number; factor: number }>();

function passing(error: unknown): boolean {
  if (!(error instanceof ApiError)) return false;
  return error.status === 0 || error.status === 429 || error.status >= 500;
}

/**
 * Asks again for the stuck reads on screen whose pause is over; returns how many it asked for.
 * `random` draws the pauses' factor (tests pass a fixed one).
 */
export function retryStuckReads(queryClient: QueryClient, now = Date.now(), random = Math.random): number {
  const stuck = queryClient.getQueryCache().findAll({
    type: "active",
    predicate: (q) => q.state.status === "error" && q.state.fetchStatus === "idle" && q.state.data !== undefined && passing(q.state.error),
  });
  let asked = 0;
  for (const query of stuck) {
    let tried = retries.get(query);
    if (!tried || tried.since !== query.state.dataUpdatedAt) {
      tried = { count: 0, since: query.state.dataUpdatedAt, factor: 0.5 + random() / 2 };
      retries.set(query, tried);
    }
    const pause = Math.min(FIRST_PAUSE_MS * 2 ** tried.count, MAX_PAUSE_MS) * tried.factor;
    if (now - query.state.errorUpdatedAt < pause) continue;
    tried.count++;
    asked++;
    void queryClient.refetchQueries({ queryKey: query.queryKey, exact: true, type: "active" });
  }
  return asked;
}
