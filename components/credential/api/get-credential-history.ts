"use client";
import { queryOptions, useQuery } from "@tanstack/react-query";
import { type CredentialHistory, credentialHistorySchema, HISTORY_LIMIT } from "@/lib/credential-view";
import { credentialKeys } from "@/lib/query-keys";
import { type Etagged, readHeld } from "@/components/ui/held-reads";
import { acrossTabs } from "@/components/ui/shared-reads";
import { SAFETY_REFETCH_MS } from "@/components/ui/safety-refetch";

/** A credential's history with the ETag of the answer it came in: what a 304 confirms. */
export type CredentialHistoryWithEtag = Etagged<CredentialHistory>;

/**
 * The history, named by the one this tab holds (If-None-Match): every credential page reads it
 * again at every change to any credential, and one that did not change comes back as a bodiless 304.
 */
export function getCredentialHistory(id: string, { signal }: { signal?: AbortSignal } = {}): Promise<CredentialHistoryWithEtag> {
  const url = `/api/credentials/${encodeURIComponent(id)}/history?limit=${HISTORY_LIMIT}`;
  return readHeld(credentialKeys.history(id), url, credentialHistorySchema, { signal });
}

// Refetched when the change stream says this changed (live-updates.tsx); every SAFETY_REFETCH_MS (components/ui/safety-refetch.ts) as a safety net.
// Read once for all of this browser's tabs (shared-reads.ts).
export const credentialHistoryQueryOptions = (id: string) =>
  queryOptions({
    queryKey: credentialKeys.history(id),
    queryFn: acrossTabs(({ signal }) => getCredentialHistory(id, { signal })),
    refetchInterval: SAFETY_REFETCH_MS,
  });

export function useCredentialHistory(id: string) {
  return useQuery(credentialHistoryQueryOptions(id));
}
