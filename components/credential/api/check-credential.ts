"use client";
import { useMutation } from "@tanstack/react-query";
import { checkResultSchema } from "@/lib/check-view";
import { fetchJson, VENDOR_WAIT_TIMEOUT_MS } from "@/components/ui/fetch-json";

export const checkCredential = (id: string) =>
  fetchJson(`/api/credentials/${encodeURIComponent(id)}/check`, checkResultSchema, { method: "POST" }, VENDOR_WAIT_TIMEOUT_MS);

export function useCheckCredential() {
  return useMutation({ mutationFn: checkCredential });
}
