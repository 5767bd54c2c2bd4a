"use client";
import { queryOptions, useQuery } from "@tanstack/react-query";
import { auditListSchema } from "@/lib/audit-view";
import { auditKeys } from "@/lib/query-keys";
import { fetchJson } from "@/components/ui/fetch-json";

export const getAudit = () => fetchJson("/api/audit?limit=200", auditListSchema, { cache: "no-store" });

export const auditQueryOptions = queryOptions({ queryKey: auditKeys.list(), queryFn: getAudit, refetchInterval: 5_000 });

export function useAudit() {
  return useQuery(auditQueryOptions);
}
