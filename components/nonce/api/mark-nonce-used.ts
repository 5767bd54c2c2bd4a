"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { z } from "zod";
import { nonceViewSchema } from "@/lib/nonce-view";
import { nonceKeys } from "@/lib/query-keys";
import { fetchJson } from "@/components/ui/fetch-json";
import type { getNonces } from "./get-nonces";

const markedSchema = z.object({ serverTime: z.string(), nonce: nonceViewSchema });

export const markNonceUsed = (id: string) => fetchJson(`/api/nonce/${encodeURIComponent(id)}/used`, markedSchema, { method: "POST" });

export function useMarkNonceUsed() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: markNonceUsed,
    // The issued card and its row read the list: both stop their countdown at once, before the refetch.
    onSuccess: ({ nonce }) =>
      queryClient.setQueryData(nonceKeys.list(), (old: Awaited<ReturnType<typeof getNonces>> | undefined) =>
        old ? { ...old, nonces: old.nonces.map((n) => (n.id === nonce.id ? nonce : n)) } : old,
      ),
    onSettled: () => queryClient.invalidateQueries({ queryKey: nonceKeys.all }),
  });
}
