"use client";
import type { QueryFunction, QueryKey } from "@tanstack/react-query";
import { getQueryClient } from "@/lib/query-client";
import { type ClockSample, serverClock } from "@/lib/server-clock";
import { fetchJsonIfChanged, type SchemaSource } from "./fetch-json";
import { acrossTabs } from "./shared-reads";

/** Data as a query holds it: with the ETag of the answer it came in, what a 304 confirms (null: none). */
export type Etagged<T> = T & { etag: string | null };

/**
 * A query's data read again, naming what the query holds (If-None-Match: fetchJsonIfChanged). An
 * unchanged answer comes back as a bodiless 304 that keeps the held data and its ETag, with the
 * server's time of the 304 when the data carries one (`serverTime`). What is held is read from the
 * query cache, so data a page came with in its HTML (Prefetched, with its ETag) is confirmed like
 * data fetched here.
 */
export async function readHeld<T extends object>(queryKey: QueryKey, url: string, source: SchemaSource<T>, init?: RequestInit): Promise<Etagged<T>> {
  const held = getQueryClient().getQueryData<Etagged<T>>(queryKey);
  const answer = await fetchJsonIfChanged(url, source, held?.etag ?? null, init);
  // A 304 answers only a request that named an ETag: something is held.
  const data = answer.changed ? { ...answer.data, etag: answer.etag } : held!;
  if (answer.serverTime === null || !("serverTime" in data) || data.serverTime === answer.serverTime) return data;
  return { ...data, serverTime: answer.serverTime };
}

/**
 * Data that shows countdowns: with the offset to the server's clock (null: rendered on the server:
 * see useClockOffset) and the request's timing, a sample of that clock (absent: rendered on the server).
 */
export type Clocked<T> = Etagged<T> & { clockOffsetMs: number | null; clockSample?: ClockSample };

/** readHeld, and the offset to the server's clock with this request's sample (serverClock.observe). */
export async function readHeldWithClock<T extends { serverTime: string }>(
  queryKey: QueryKey,
  url: string,
  source: SchemaSource<T>,
  init?: RequestInit,
): Promise<Clocked<T>> {
  const sentAt = Date.now();
  const data = await readHeld(queryKey, url, source, init);
  const clockSample: ClockSample = { sentAt, receivedAt: Date.now() };
  return { ...data, clockOffsetMs: serverClock.observe(data.serverTime, sentAt, clockSample.receivedAt), clockSample };
}

/**
 * acrossTabs (shared-reads.ts) for data read with readHeldWithClock, on this tab's own clock: an
 * answer another tab read carries that tab's offset, which differs from this tab's by a few
 * milliseconds (each tab holds its own estimate, lib/server-clock.ts). Every new offset draws
 * every row and countdown of the page again, so with the reading tab changing from one change to
 * the next, each change redrew whole tables in every other tab, not the one row that moved (50
 * overview tabs on 2 cores showed a change seconds late). The request's sample is as good here
 * as there (the tabs of one browser share its clock): it goes to this tab's estimate, whose offset
 * the data then carries.
 */
export function clockedAcrossTabs<T extends { serverTime: string }, K extends QueryKey>(
  read: QueryFunction<Clocked<T>, K>,
  holds?: (data: Clocked<T>) => boolean,
): QueryFunction<Clocked<T>, K> {
  const shared = acrossTabs(read, holds);
  return async (ctx) => {
    const data = await shared(ctx);
    const sample = data.clockSample;
    if (!sample) return data;
    const offset = serverClock.observe(data.serverTime, sample.sentAt, sample.receivedAt);
    return offset === data.clockOffsetMs ? data : { ...data, clockOffsetMs: offset };
  };
}
