"use client";
import { queryOptions, useQuery } from "@tanstack/react-query";
import { type AuditList, auditListSchema } from "@/lib/audit-view";
import { auditKeys } from "@/lib/query-keys";
import { fetchJsonIfChanged } from "@/components/ui/fetch-json";
import { acrossTabs } from "@/components/ui/shared-reads";
import { SAFETY_REFETCH_MS } from "@/components/ui/safety-refetch";

/** The log this tab holds and its ETag: what a 304 confirms (the server answers it from memory). */
let held: { etag: string; data: AuditList } | null = null;

export async function getAudit({ signal }: { signal?: AbortSignal } = {}): Promise<AuditList> {
  const answer = await fetchJsonIfChanged("/api/audit?limit=200", auditListSchema, held?.etag ?? null, { signal });
  if (!answer.changed) return { ...held!.data, serverTime: answer.serverTime ?? held!.data.serverTime };
  held = answer.etag ? { etag: answer.etag, data: answer.data } : null;
  return answer.data;
}

// Refetched when the change stream says this changed (live-updates.tsx); every SAFETY_REFETCH_MS (components/ui/safety-refetch.ts) as a safety net.
// Read once for all of this browser's tabs (shared-reads.ts).
export const auditQueryOptions = queryOptions({ queryKey: auditKeys.list(), queryFn: acrossTabs(getAudit), refetchInterval: SAFETY_REFETCH_MS });

export function useAudit() {
  return useQuery(auditQueryOptions);
}
