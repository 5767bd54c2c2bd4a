"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { issuedNonceSchema, type NonceView } from "@/lib/nonce-view";
import { nonceKeys } from "@/lib/query-keys";
import { serverClock } from "@/lib/server-clock";
import { fetchJson, jsonBody, VENDOR_WAIT_TIMEOUT_MS } from "@/components/ui/fetch-json";
import type { getNonces } from "./get-nonces";

export async function issueNonce(input: { appRef: string; userId: string }) {
  const sentAt = Date.now();
  const issued = await fetchJson("/api/nonce", issuedNonceSchema, jsonBody("POST", input), VENDOR_WAIT_TIMEOUT_MS);
  return { ...issued, clockOffsetMs: serverClock.observe(issued.serverTime, sentAt, Date.now()) };
}

export function useIssueNonce() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: issueNonce,
    // Listed at once (masked: the value itself stays in the issue answer only), so the issued card
    // and its row read one state from the list while the refetch is on its way.
    onSuccess: ({ value: _value, serverTime: _serverTime, clockOffsetMs: _offset, ...view }) =>
      queryClient.setQueryData(nonceKeys.list(), (old: Awaited<ReturnType<typeof getNonces>> | undefined) =>
        old && !old.nonces.some((n) => n.id === view.id) ? { ...old, nonces: [view satisfies NonceView, ...old.nonces] } : old,
      ),
    onSettled: () => queryClient.invalidateQueries({ queryKey: nonceKeys.all }),
  });
}
