"use client";
import { queryOptions, useQuery } from "@tanstack/react-query";
import { NONCE_LIST_LIMIT, type NonceList, nonceListSchema } from "@/lib/nonce-view";
import { nonceKeys } from "@/lib/query-keys";
import { type Clocked, clockedAcrossTabs, readHeldWithClock } from "@/components/ui/held-reads";
import { SAFETY_REFETCH_MS } from "@/components/ui/safety-refetch";

/**
 * The desk's list with the ETag of the answer it came in (what a 304 confirms; a ticket the desk
 * listed at once after issuing it keeps the ETag of the list it was added to) and the offset to
 * the server's clock (null: rendered on the server: see useClockOffset).
 */
export type NonceListWithClock = Clocked<NonceList>;

/** The list, named by the one this tab holds (If-None-Match): an unchanged one comes back as a bodiless 304 the server answers from memory. */
export function getNonces({ signal }: { signal?: AbortSignal } = {}): Promise<NonceListWithClock> {
  return readHeldWithClock(nonceKeys.list(), `/api/nonce?limit=${NONCE_LIST_LIMIT}`, nonceListSchema, { signal });
}

// In the desk's HTML (app/(dashboard)/nonce/page.tsx). Refetched when the change stream says this changed (live-updates.tsx); every SAFETY_REFETCH_MS (components/ui/safety-refetch.ts) as a safety net.
// Read once for all of this browser's tabs (shared-reads.ts).
export const noncesQueryOptions = queryOptions({ queryKey: nonceKeys.list(), queryFn: clockedAcrossTabs(getNonces), refetchInterval: SAFETY_REFETCH_MS });

export function useNonces() {
  return useQuery(noncesQueryOptions);
}
