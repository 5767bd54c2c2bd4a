"use client";
import { queryOptions, useQuery } from "@tanstack/react-query";
import { alertKeys } from "@/lib/query-keys";
import { fetchJson } from "@/components/ui/fetch-json";

const alertsSchema = () => import("@/lib/alert-view").then((m) => m.alertListSchema);

export const getAlerts = () => fetchJson("/api/alerts", alertsSchema, { cache: "no-store" });

// Refetched when the change stream says this changed (live-updates.tsx); every 30 s as a safety net.
export const alertsQueryOptions = queryOptions({ queryKey: alertKeys.all, queryFn: getAlerts, refetchInterval: 30_000 });

export function useAlerts() {
  return useQuery(alertsQueryOptions);
}
