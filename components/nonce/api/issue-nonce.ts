"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { issuedNonceSchema } from "@/lib/nonce-view";
import { nonceKeys } from "@/lib/query-keys";
import { serverClock } from "@/lib/server-clock";
import { fetchJson, jsonBody } from "@/components/ui/fetch-json";

export async function issueNonce(input: { appRef: string; userId: string }) {
  const sentAt = Date.now();
  const issued = await fetchJson("/api/nonce", issuedNonceSchema, jsonBody("POST", input));
  return { ...issued, clockOffsetMs: serverClock.observe(issued.serverTime, sentAt, Date.now()) };
}

export function useIssueNonce() {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: issueNonce, onSettled: () => queryClient.invalidateQueries({ queryKey: nonceKeys.all }) });
}
