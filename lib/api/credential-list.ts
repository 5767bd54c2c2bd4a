"use client";
import { queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { CredentialList } from "@/lib/credential-view";
import { credentialList, refreshResponse } from "@/lib/shape";
import { credentialKeys } from "@/lib/query-keys";
import { serverClock } from "@/lib/server-clock";
import { fetchJson } from "./fetch-json";

// The overview's data: the polled credential list and Refresh, checked with lib/shape (no schema
// library on the overview).

export type CredentialListWithClock = CredentialList & { clockOffsetMs: number };


export async function getCredentials(): Promise<CredentialListWithClock> {
  const sentAt = Date.now();
  const data = await fetchJson("/api/credentials", credentialList, { cache: "no-store" });
  return { ...data, clockOffsetMs: serverClock.observe(data.serverTime, sentAt, Date.now()) };
}

export const credentialsQuery = queryOptions({
  queryKey: credentialKeys.list(),
  queryFn: getCredentials,
  // Changes made by the scheduler or another browser show up within two seconds: polling every
  // second leaves room for the request itself (a 2 s period would only just make it, or not).
  refetchInterval: 1_000,
});

export function useCredentials() {
  return useQuery(credentialsQuery);
}

export function useRefreshCredential() {
  const queryClient = useQueryClient();
  return useMutation({
    // The generation the operator saw: if someone refreshed meanwhile, the answer is that value, at no vendor call.
    mutationFn: ({ id, ifGeneration }: { id: string; ifGeneration: number }) =>
      fetchJson(`/api/credentials/${encodeURIComponent(id)}/refresh`, refreshResponse, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ ifGeneration }),
      }),
    onSuccess: (res) => {
      queryClient.setQueryData(credentialKeys.list(), (old: CredentialListWithClock | undefined) =>
        old ? { ...old, credentials: old.credentials.map((c) => (c.id === res.credential.id ? res.credential : c)) } : old,
      );
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: credentialKeys.all }),
  });
}

/** One credential, from the same polled list the overview uses. */
export function useCredential(id: string) {
  return useQuery({
    ...credentialsQuery,
    select: (data) => ({ credential: data.credentials.find((c) => c.id === id) ?? null, clockOffsetMs: data.clockOffsetMs }),
  });
}

