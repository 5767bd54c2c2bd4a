"use client";
import { queryOptions, useQuery } from "@tanstack/react-query";
import type { AlertList, AlertView } from "@/lib/alert-view";
import { alertKeys } from "@/lib/query-keys";
import { serverClock } from "@/lib/server-clock";
import { type Etagged, readHeld } from "@/components/ui/held-reads";
import { acrossTabs } from "@/components/ui/shared-reads";
import { SAFETY_REFETCH_MS } from "@/components/ui/safety-refetch";
import { useSchemasWhenIdle } from "@/components/ui/schema-when-idle";

const alertsSchema = () => import("@/lib/alert-view").then((m) => m.alertListSchema);

/**
 * The alert list as the page holds it, with the ETag of the answer it came in: what a 304 confirms
 * (the server answers it from memory). In the query's data, so a list from the page's HTML
 * (alertsPrefetch) is confirmed like a fetched one.
 */
export type AlertListWithEtag = Etagged<AlertList>;

export function getAlerts({ signal }: { signal?: AbortSignal } = {}): Promise<AlertListWithEtag> {
  return readHeld(alertKeys.all, "/api/alerts", alertsSchema, { signal });
}

/** Silences end on the server's clock: the browser's, moved by the offset its reads measured. */
const serverNow = () => Date.now() + serverClock.offsetMs;

/**
 * When to refetch without news: every SAFETY_REFETCH_MS, and soon after the earliest silence ends (nothing in
 * the database changes then, so the change stream says nothing, yet the alert should speak again).
 */
export function nextRefetchMs(data: AlertList | undefined, nowMs: number): number {
  let next = SAFETY_REFETCH_MS;
  for (const a of data?.open ?? []) {
    if (a.silencedUntil) next = Math.min(next, Math.max(1_000, Date.parse(a.silencedUntil) - nowMs + 500));
  }
  return next;
}

/** Whether every silence the list shows still runs: after one ends, the server shows that alert unsilenced. */
export function silencesHold(list: AlertList, nowMs: number): boolean {
  return [...list.open, ...list.recent].every((a) => !a.silencedUntil || Date.parse(a.silencedUntil) > nowMs);
}

/** Read once for all of this browser's tabs (shared-reads.ts), while every silence it shows still runs. */
const readAlerts = acrossTabs(getAlerts, (list) => silencesHold(list, serverNow()));

// Refetched when the change stream says this changed (live-updates.tsx); see nextRefetchMs for the rest.
export const alertsQueryOptions = queryOptions({
  queryKey: alertKeys.all,
  queryFn: readAlerts,
  refetchInterval: (query) => nextRefetchMs(query.state.data, serverNow()),
});

export function useAlerts() {
  useSchemasWhenIdle(alertsSchema);
  return useQuery(alertsQueryOptions);
}

export type BannerAlerts = {
  /** Open alerts that are not silenced: the ones still waiting for someone first, acknowledged ones after. */
  shown: AlertView[];
  /** Open alerts whose notifications someone silenced: counted quietly, detailed on their credential page. */
  silenced: AlertView[];
};

/** What the overview's banner shows of the open alerts: a silenced alert does not keep shouting there. */
export function bannerAlerts(list: AlertList): BannerAlerts {
  const loud = list.open.filter((a) => !a.silencedUntil);
  return {
    shown: [...loud.filter((a) => !a.acknowledgedAt), ...loud.filter((a) => a.acknowledgedAt)],
    silenced: list.open.filter((a) => a.silencedUntil),
  };
}

/** The open alerts as the overview's banner shows them (bannerAlerts), from the same query as the credential page. */
export function useBannerAlerts() {
  // Ready before the first change's read (schema-when-idle.ts).
  useSchemasWhenIdle(alertsSchema);
  return useQuery({ ...alertsQueryOptions, select: bannerAlerts });
}
