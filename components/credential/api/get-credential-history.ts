"use client";
import { queryOptions, useQuery } from "@tanstack/react-query";
import { credentialHistorySchema, HISTORY_LIMIT } from "@/lib/credential-view";
import { credentialKeys } from "@/lib/query-keys";
import { fetchJson } from "@/components/ui/fetch-json";
import { acrossTabs } from "@/components/ui/shared-reads";
import { SAFETY_REFETCH_MS } from "@/components/ui/safety-refetch";

export const getCredentialHistory = (id: string) =>
  fetchJson(`/api/credentials/${encodeURIComponent(id)}/history?limit=${HISTORY_LIMIT}`, credentialHistorySchema, { cache: "no-store" });

// Refetched when the change stream says this changed (live-updates.tsx); every SAFETY_REFETCH_MS (components/ui/safety-refetch.ts) as a safety net.
// Read once for all of this browser's tabs (shared-reads.ts).
export const credentialHistoryQueryOptions = (id: string) =>
  queryOptions({ queryKey: credentialKeys.history(id), queryFn: acrossTabs(() => getCredentialHistory(id)), refetchInterval: SAFETY_REFETCH_MS });

export function useCredentialHistory(id: string) {
  return useQuery(credentialHistoryQueryOptions(id));
}
