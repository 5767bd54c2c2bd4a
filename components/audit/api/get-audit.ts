"use client";
import { queryOptions, useQuery } from "@tanstack/react-query";
import { AUDIT_LIMIT, type AuditList, auditListSchema } from "@/lib/audit-view";
import { auditKeys } from "@/lib/query-keys";
import { type Etagged, readHeld } from "@/components/ui/held-reads";
import { acrossTabs } from "@/components/ui/shared-reads";
import { SAFETY_REFETCH_MS } from "@/components/ui/safety-refetch";

/** The log with the ETag of the answer it came in: what a 304 confirms (the server answers it from memory). */
export type AuditListWithEtag = Etagged<AuditList>;

/** The log, named by the one this tab holds (If-None-Match), in its HTML (app/(dashboard)/audit/page.tsx) or fetched. */
export function getAudit({ signal }: { signal?: AbortSignal } = {}): Promise<AuditListWithEtag> {
  return readHeld(auditKeys.list(), `/api/audit?limit=${AUDIT_LIMIT}`, auditListSchema, { signal });
}

// Refetched when the change stream says this changed (live-updates.tsx); every SAFETY_REFETCH_MS (components/ui/safety-refetch.ts) as a safety net.
// Read once for all of this browser's tabs (shared-reads.ts).
export const auditQueryOptions = queryOptions({ queryKey: auditKeys.list(), queryFn: acrossTabs(getAudit), refetchInterval: SAFETY_REFETCH_MS });

export function useAudit() {
  return useQuery(auditQueryOptions);
}
