"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { z } from "zod";
import { nonceViewSchema } from "@/lib/nonce-view";
import { nonceKeys } from "@/lib/query-keys";
import { fetchJson } from "@/components/ui/fetch-json";

const markedSchema = z.object({ serverTime: z.string(), nonce: nonceViewSchema });

export const markNonceUsed = (id: string) => fetchJson(`/api/nonce/${encodeURIComponent(id)}/used`, markedSchema, { method: "POST" });

export function useMarkNonceUsed() {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: markNonceUsed, onSettled: () => queryClient.invalidateQueries({ queryKey: nonceKeys.all }) });
}
