"use client";
import { queryOptions, useQuery } from "@tanstack/react-query";
import type { CredentialList } from "@/lib/credential-view";
import { credentialKeys } from "@/lib/query-keys";
import { serverClock } from "@/lib/server-clock";
import { fetchJsonIfChanged } from "@/components/ui/fetch-json";
import { acrossTabs } from "@/components/ui/shared-reads";
import { SAFETY_REFETCH_MS } from "@/components/ui/safety-refetch";

// The credential list: the overview's data, also used by the detail page. It is refetched when
// the change stream (components/ui/live-updates.tsx) says credentials changed, and every 30 s as a
// safety net; each refetch names the list it holds (If-None-Match) and an unchanged list comes
// back as a bodiless 304 the server answers from memory.

// The schema is loaded with the first request, not with the page: see SchemaSource.
const listSchema = () => import("@/lib/credential-view").then((m) => m.credentialListSchema);

export type CredentialListWithClock = CredentialList & { clockOffsetMs: number };

/** The list this tab holds and its ETag: what a 304 confirms. */
let held: { etag: string; data: CredentialList } | null = null;

export async function getCredentials({ signal }: { signal?: AbortSignal } = {}): Promise<CredentialListWithClock> {
  const sentAt = Date.now();
  const answer = await fetchJsonIfChanged("/api/credentials", listSchema, held?.etag ?? null, { signal });
  let data: CredentialList;
  if (answer.changed) {
    data = answer.data;
    held = answer.etag ? { etag: answer.etag, data } : null;
  } else {
    data = held!.data;
  }
  const serverTime = answer.serverTime ?? data.serverTime;
  return { ...data, serverTime, clockOffsetMs: serverClock.observe(serverTime, sentAt, Date.now()) };
}

// Read once for all of this browser's tabs (shared-reads.ts).
export const credentialsQueryOptions = queryOptions({
  queryKey: credentialKeys.list(),
  queryFn: acrossTabs(getCredentials),
  refetchInterval: SAFETY_REFETCH_MS,
});

export function useCredentials() {
  return useQuery(credentialsQueryOptions);
}

/** One credential, from the same list the overview uses. */
export function useCredential(id: string) {
  return useQuery({
    ...credentialsQueryOptions,
    select: (data) => ({ credential: data.credentials.find((c) => c.id === id) ?? null, clockOffsetMs: data.clockOffsetMs }),
  });
}
