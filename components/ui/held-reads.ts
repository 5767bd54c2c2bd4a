"use client";
import type { QueryKey } from "@tanstack/react-query";
import { getQueryClient } from "@/lib/query-client";
import { serverClock } from "@/lib/server-clock";
import { fetchJsonIfChanged, type SchemaSource } from "./fetch-json";

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

/** Data that shows countdowns: with the offset to the server's clock its request measured (null: rendered on the server: see useClockOffset). */
export type Clocked<T> = Etagged<T> & { clockOffsetMs: number | null };

/** readHeld, and the offset to the server's clock this request measured (serverClock.observe). */
export async function readHeldWithClock<T extends { serverTime: string }>(
  queryKey: QueryKey,
  url: string,
  source: SchemaSource<T>,
  init?: RequestInit,
): Promise<Clocked<T>> {
  const sentAt = Date.now();
  const data = await readHeld(queryKey, url, source, init);
  return { ...data, clockOffsetMs: serverClock.observe(data.serverTime, sentAt, Date.now()) };
}
