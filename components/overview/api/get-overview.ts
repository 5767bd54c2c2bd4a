"use client";
import { keepPreviousData, type Query, queryOptions, useQuery } from "@tanstack/react-query";
import { clockedAcrossTabs, readHeldWithClock } from "@/components/ui/held-reads";
import { SAFETY_REFETCH_MS } from "@/components/ui/safety-refetch";
import { type OverviewQuery, overviewApiPath, overviewSearch } from "@/lib/overview-query";
import type { OverviewData } from "@/lib/overview-view";
import { credentialKeys } from "@/lib/query-keys";
import { serverClock } from "@/lib/server-clock";
import { useSchemasWhenIdle } from "@/components/ui/schema-when-idle";

// A page of the overview. Its first page comes in the HTML (app/(dashboard)/page.tsx prefetches it
// on the server); after that it is refetched when the change stream (components/ui/live-updates.tsx)
// says credentials changed, when time moves a credential to another health (the answer says when),
// and every SAFETY_REFETCH_MS as a safety net. Each refetch names the answer it holds (If-None-Match): an
// unchanged one comes back as a bodiless 304 the server answers from memory.

// zod/mini comes after the page, when the browser is idle or with the first request (see fetch-json.ts SchemaSource).
const answerSchema = () => import("@/lib/overview-view").then((m) => m.overviewAnswerSchema);

export function getOverview(query: OverviewQuery, { signal }: { signal?: AbortSignal } = {}): Promise<OverviewData> {
  return readHeldWithClock(credentialKeys.overview(overviewSearch(query)), overviewApiPath(query), answerSchema, { signal });
}

/**
 * Whether an answer still holds by time: no credential on it has moved to another health since. On
 * this tab's clock: the answer may come from another tab (shared-reads.ts), with that tab's offset.
 */
function stillValid(data: OverviewData): boolean {
  return !data.validUntil || Date.parse(data.validUntil) > Date.now() + serverClock.offsetMs;
}

/** Refetch when time alone moves a credential to another health (at least 1 s apart), else the safety interval; on this tab's clock, as stillValid. */
function refetchInterval(query: Query<OverviewData>): number {
  const data = query.state.data;
  if (!data?.validUntil) return SAFETY_REFETCH_MS;
  const wait = Date.parse(data.validUntil) - (Date.now() + serverClock.offsetMs);
  return Math.min(SAFETY_REFETCH_MS, Math.max(1_000, wait + 50));
}

export const overviewQueryOptions = (query: OverviewQuery) =>
  queryOptions({
    queryKey: credentialKeys.overview(overviewSearch(query)),
    // Read once for all of this browser's tabs on the same page of the overview (shared-reads.ts).
    queryFn: clockedAcrossTabs(({ signal }) => getOverview(query, { signal }), stillValid),
    refetchInterval,
    // While another page or filter loads, the rows shown stay (no "Loading…" flash between pages).
    placeholderData: keepPreviousData,
  });

export function useOverview(query: OverviewQuery) {
  // Ready before the first change's read (schema-when-idle.ts).
  useSchemasWhenIdle(answerSchema);
  return useQuery(overviewQueryOptions(query));
}
