"use client";
import { queryOptions, useQuery } from "@tanstack/react-query";
import { credentialHistorySchema } from "@/lib/credential-view";
import { credentialKeys } from "@/lib/query-keys";
import { fetchJson } from "@/components/ui/fetch-json";
import { acrossTabs } from "@/components/ui/shared-reads";

export const getCredentialHistory = (id: string) =>
  fetchJson(`/api/credentials/${encodeURIComponent(id)}/history?limit=200`, credentialHistorySchema, { cache: "no-store" });

// Refetched when the change stream says this changed (live-updates.tsx); every 30 s as a safety net.
// Read once for all of this browser's tabs (shared-reads.ts).
export const credentialHistoryQueryOptions = (id: string) =>
  queryOptions({ queryKey: credentialKeys.history(id), queryFn: acrossTabs(() => getCredentialHistory(id)), refetchInterval: 30_000 });

export function useCredentialHistory(id: string) {
  return useQuery(credentialHistoryQueryOptions(id));
}
