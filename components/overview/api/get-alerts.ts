"use client";
import { queryOptions, useQuery } from "@tanstack/react-query";
import { alertListSchema } from "@/lib/alert-view";
import { alertKeys } from "@/lib/query-keys";
import { fetchJson } from "@/components/ui/fetch-json";

export const getAlerts = () => fetchJson("/api/alerts", alertListSchema, { cache: "no-store" });

export const alertsQueryOptions = queryOptions({ queryKey: alertKeys.all, queryFn: getAlerts, refetchInterval: 5_000 });

export function useAlerts() {
  return useQuery(alertsQueryOptions);
}
