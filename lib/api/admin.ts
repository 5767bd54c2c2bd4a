"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { z } from "zod";
import { apiKeyViewSchema } from "@/lib/api-key-view";
import { userViewSchema } from "@/lib/user-input";
import { fetchJson } from "./fetch-json";

const usersKey = ["admin", "users"] as const;
const keysKey = ["admin", "keys"] as const;

const send = <S extends z.ZodType>(url: string, method: string, body: unknown, schema: S) =>
  fetchJson(url, schema, { method, headers: { "content-type": "application/json" }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });

export const useUsers = () => useQuery({ queryKey: usersKey, queryFn: () => fetchJson("/api/users", z.object({ users: z.array(userViewSchema) }), { cache: "no-store" }) });
export const useApiKeys = () => useQuery({ queryKey: keysKey, queryFn: () => fetchJson("/api/keys", z.object({ keys: z.array(apiKeyViewSchema) }), { cache: "no-store" }) });

function useAdminMutation<T, R>(key: readonly string[], fn: (arg: T) => Promise<R>) {
  const qc = useQueryClient();
  return useMutation({ mutationFn: fn, onSettled: () => qc.invalidateQueries({ queryKey: key }) });
}

const oneUser = z.object({ user: userViewSchema });
export const useCreateUser = () => useAdminMutation(usersKey, (body: { username: string; password: string; role: string }) => send("/api/users", "POST", body, oneUser));
export const useChangeUser = () =>
  useAdminMutation(usersKey, ({ id, change }: { id: string; change: { role?: string; disabled?: boolean; password?: string } }) => send(`/api/users/${encodeURIComponent(id)}`, "PATCH", change, oneUser));

export const useCreateApiKey = () =>
  useAdminMutation(keysKey, (body: { name: string; appRefs: string[] }) => send("/api/keys", "POST", body, z.object({ key: z.string(), apiKey: apiKeyViewSchema })));
export const useRevokeApiKey = () => useAdminMutation(keysKey, (id: string) => send(`/api/keys/${encodeURIComponent(id)}/revoke`, "POST", undefined, z.object({ apiKey: apiKeyViewSchema })));
