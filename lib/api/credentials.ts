"use client";
import { queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { z } from "zod";
import { credentialHistorySchema, credentialListSchema, refreshResponseSchema, type CredentialList } from "@/lib/credential-view";
import { credentialKeys } from "@/lib/query-keys";
import { checkResultSchema } from "@/lib/check-view";
import { serverClock } from "@/lib/server-clock";
import { fetchJson } from "./fetch-json";

export type CredentialListWithClock = CredentialList & { clockOffsetMs: number };


export async function getCredentials(): Promise<CredentialListWithClock> {
  const sentAt = Date.now();
  const data = await fetchJson("/api/credentials", credentialListSchema, { cache: "no-store" });
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

/** One credential, from the same polled list the overview uses. */
export function useCredential(id: string) {
  return useQuery({
    ...credentialsQuery,
    select: (data) => ({ credential: data.credentials.find((c) => c.id === id) ?? null, clockOffsetMs: data.clockOffsetMs }),
  });
}

export function useCredentialHistory(id: string) {
  return useQuery({
    queryKey: credentialKeys.history(id),
    queryFn: () => fetchJson(`/api/credentials/${encodeURIComponent(id)}/history?limit=200`, credentialHistorySchema, { cache: "no-store" }),
    refetchInterval: 5_000,
  });
}

const revealSchema = z.object({ value: z.string(), generation: z.number() });

/** Reveal or copy a value: the server audits it. */
export function revealValue(id: string, action: "reveal" | "copy", versionId?: string) {
  return fetchJson(`/api/credentials/${encodeURIComponent(id)}/reveal`, revealSchema, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ action, ...(versionId ? { versionId } : {}) }),
  });
}

export function useCheckCredential() {
  return useMutation({
    mutationFn: (id: string) => fetchJson(`/api/credentials/${encodeURIComponent(id)}/check`, checkResultSchema, { method: "POST" }),
  });
}
