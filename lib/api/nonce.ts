"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { z } from "zod";
import { issuedNonceSchema, nonceListSchema, nonceViewSchema } from "@/lib/nonce-view";
import { nonceKeys } from "@/lib/query-keys";
import { serverClock } from "@/lib/server-clock";
import { fetchJson } from "./fetch-json";

export function useNonces() {
  return useQuery({
    queryKey: nonceKeys.list(),
    queryFn: async () => {
      const sentAt = Date.now();
      const data = await fetchJson("/api/nonce?limit=30", nonceListSchema, { cache: "no-store" });
      return { ...data, clockOffsetMs: serverClock.observe(data.serverTime, sentAt, Date.now()) };
    },
    refetchInterval: 2_000,
  });
}

export function useIssueNonce() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (input: { appRef: string; userId: string }) => {
      const sentAt = Date.now();
      const issued = await fetchJson("/api/nonce", issuedNonceSchema, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(input),
      });
      return { ...issued, clockOffsetMs: serverClock.observe(issued.serverTime, sentAt, Date.now()) };
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: nonceKeys.all }),
  });
}

export function useMarkNonceUsed() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      fetchJson(`/api/nonce/${encodeURIComponent(id)}/used`, z.object({ serverTime: z.string(), nonce: nonceViewSchema }), { method: "POST" }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: nonceKeys.all }),
  });
}
