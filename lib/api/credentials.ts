"use client";
import { queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { credentialListSchema, refreshResponseSchema, type CredentialList } from "@/lib/credential-view";
import { credentialKeys } from "@/lib/query-keys";
import { ServerClock } from "@/lib/server-clock";
import { fetchJson } from "./fetch-json";

export type CredentialListWithClock = CredentialList & { clockOffsetMs: number };

/** The server's time minus ours, so countdowns follow the server's clock even when the browser's is off. */
const serverClock = new ServerClock();

export async function getCredentials(): Promise<CredentialListWithClock> {
  const sentAt = Date.now();
  const data = await fetchJson("/api/credentials", credentialListSchema, { cache: "no-store" });
  return { ...data, clockOffsetMs: serverClock.observe(data.serverTime, sentAt, Date.now()) };
}

export const credentialsQuery = queryOptions({
  queryKey: credentialKeys.list(),
  queryFn: getCredentials,
  // Changes made by the scheduler or another browser show up within two seconds.
  refetchInterval: 2_000,
});

export function useCredentials() {
  return useQuery(credentialsQuery);
}

export function useRefreshCredential() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      fetchJson(`/api/credentials/${encodeURIComponent(id)}/refresh`, refreshResponseSchema, { method: "POST" }),
    onSuccess: (res) => {
      queryClient.setQueryData(credentialKeys.list(), (old: CredentialListWithClock | undefined) =>
        old ? { ...old, credentials: old.credentials.map((c) => (c.id === res.credential.id ? res.credential : c)) } : old,
      );
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: credentialKeys.all }),
  });
}
