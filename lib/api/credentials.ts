"use client";
// The detail page's calls (history, reveal, check). The polled list and Refresh, which the
// overview needs, are in ./credential-list (kept free of the full zod, for the overview's weight).
import { useMutation, useQuery } from "@tanstack/react-query";
import { z } from "zod";
import { credentialHistorySchema } from "@/lib/credential-view";
import { credentialKeys } from "@/lib/query-keys";
import { checkResultSchema } from "@/lib/check-view";
import { fetchJson } from "./fetch-json";

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

export { useCredential, useCredentials, useRefreshCredential } from "./credential-list";
