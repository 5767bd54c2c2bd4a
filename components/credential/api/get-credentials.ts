"use client";
import { queryOptions, useQuery } from "@tanstack/react-query";
import type { CredentialList } from "@/lib/credential-view";
import { credentialKeys } from "@/lib/query-keys";
import { serverClock } from "@/lib/server-clock";
import { fetchJson } from "@/components/ui/fetch-json";

// The polled credential list: the overview's data, also used by the detail page and the tools.

// The schema is loaded with the first request, not with the page: see SchemaSource.
const listSchema = () => import("@/lib/credential-view").then((m) => m.credentialListSchema);

export type CredentialListWithClock = CredentialList & { clockOffsetMs: number };

export async function getCredentials(): Promise<CredentialListWithClock> {
  const sentAt = Date.now();
  const data = await fetchJson("/api/credentials", listSchema, { cache: "no-store" });
  return { ...data, clockOffsetMs: serverClock.observe(data.serverTime, sentAt, Date.now()) };
}

export const credentialsQueryOptions = queryOptions({
  queryKey: credentialKeys.list(),
  queryFn: getCredentials,
  // Changes made by the scheduler or another browser show up within two seconds: polling every
  // second leaves room for the request itself (a 2 s period would only just make it, or not).
  refetchInterval: 1_000,
});

export function useCredentials() {
  return useQuery(credentialsQueryOptions);
}

/** One credential, from the same polled list the overview uses. */
export function useCredential(id: string) {
  return useQuery({
    ...credentialsQueryOptions,
    select: (data) => ({ credential: data.credentials.find((c) => c.id === id) ?? null, clockOffsetMs: data.clockOffsetMs }),
  });
}
