"use client";
import { queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { z } from "zod";
import { apiKeyViewSchema } from "@/lib/api-key-view";
import { adminKeys } from "@/lib/query-keys";
import { fetchJson, jsonBody } from "@/components/ui/fetch-json";

const keyListSchema = z.object({ keys: z.array(apiKeyViewSchema) });

export const getApiKeys = () => fetchJson("/api/keys", keyListSchema, { cache: "no-store" });
export const apiKeysQueryOptions = queryOptions({ queryKey: adminKeys.apiKeys(), queryFn: getApiKeys });
export const useApiKeys = () => useQuery(apiKeysQueryOptions);

export const createApiKey = (body: { name: string; appRefs: string[] }) =>
  fetchJson("/api/keys", z.object({ key: z.string(), apiKey: apiKeyViewSchema }), jsonBody("POST", body));
export const revokeApiKey = (id: string) => fetchJson(`/api/keys/${encodeURIComponent(id)}/revoke`, z.object({ apiKey: apiKeyViewSchema }), jsonBody("POST"));

function useKeyMutation<T, R>(fn: (arg: T) => Promise<R>) {
  const qc = useQueryClient();
  return useMutation({ mutationFn: fn, onSettled: () => qc.invalidateQueries({ queryKey: adminKeys.apiKeys() }) });
}
export const useCreateApiKey = () => useKeyMutation(createApiKey);
export const useRevokeApiKey = () => useKeyMutation(revokeApiKey);
