"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { credentialKeys } from "@/lib/query-keys";
import { fetchJson, jsonBody, VENDOR_WAIT_TIMEOUT_MS } from "@/components/ui/fetch-json";
import { useSchemasWhenIdle } from "@/components/ui/schema-when-idle";
import type { CredentialListWithClock } from "./get-credentials";

const refreshSchema = () => import("@/lib/credential-view").then((m) => m.refreshResponseSchema);

/** The generation the operator saw: if someone refreshed meanwhile, the answer is that value, at no vendor call. */
export const refreshCredential = ({ id, ifGeneration }: { id: string; ifGeneration: number }) =>
  fetchJson(`/api/credentials/${encodeURIComponent(id)}/refresh`, refreshSchema, jsonBody("POST", { ifGeneration }), VENDOR_WAIT_TIMEOUT_MS);

export function useRefreshCredential() {
  // The first Refresh pressed after the page loaded finds zod loaded (schema-when-idle.ts).
  useSchemasWhenIdle(refreshSchema);
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: refreshCredential,
    onSuccess: (res) => {
      // Only a newer generation than the page shows (this answer may have waited on the vendor while
      // a later read came in): an older one would stay, confirmed by every 304 after it.
      queryClient.setQueryData(credentialKeys.app(res.credential.appRef), (old: CredentialListWithClock | undefined) =>
        old
          ? { ...old, credentials: old.credentials.map((c) => (c.id === res.credential.id && res.credential.generation > c.generation ? res.credential : c)) }
          : old,
      );
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: credentialKeys.all }),
  });
}
