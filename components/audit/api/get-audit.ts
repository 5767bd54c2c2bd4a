"use client";
import { queryOptions, useQuery } from "@tanstack/react-query";
import { auditListSchema } from "@/lib/audit-view";
import { auditKeys } from "@/lib/query-keys";
import { fetchJson } from "@/components/ui/fetch-json";

export const getAudit = () => fetchJson("/api/audit?limit=200", auditListSchema, { cache: "no-store" });

// Refetched when the change stream says this changed (live-updates.tsx); every 30 s as a safety net.
export const auditQueryOptions = queryOptions({ queryKey: auditKeys.list(), queryFn: getAudit, refetchInterval: 30_000 });

export function useAudit() {
  return useQuery(auditQueryOptions);
}
