"use client";
import { queryOptions, useQuery } from "@tanstack/react-query";
import { NONCE_LIST_LIMIT, type NonceList, nonceListSchema } from "@/lib/nonce-view";
import { nonceKeys } from "@/lib/query-keys";
import { serverClock } from "@/lib/server-clock";
import { fetchJson } from "@/components/ui/fetch-json";
import { acrossTabs } from "@/components/ui/shared-reads";
import { SAFETY_REFETCH_MS } from "@/components/ui/safety-refetch";

/** The desk's list with the offset to the server's clock (null: rendered on the server: see useClockOffset). */
export type NonceListWithClock = NonceList & { clockOffsetMs: number | null };

export async function getNonces(): Promise<NonceListWithClock> {
  const sentAt = Date.now();
  const data = await fetchJson(`/api/nonce?limit=${NONCE_LIST_LIMIT}`, nonceListSchema, { cache: "no-store" });
  return { ...data, clockOffsetMs: serverClock.observe(data.serverTime, sentAt, Date.now()) };
}

// In the desk's HTML (app/(dashboard)/nonce/page.tsx). Refetched when the change stream says this changed (live-updates.tsx); every SAFETY_REFETCH_MS (components/ui/safety-refetch.ts) as a safety net.
// Read once for all of this browser's tabs (shared-reads.ts).
export const noncesQueryOptions = queryOptions({ queryKey: nonceKeys.list(), queryFn: acrossTabs(getNonces), refetchInterval: SAFETY_REFETCH_MS });

export function useNonces() {
  return useQuery(noncesQueryOptions);
}
