"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { z } from "zod";
import { appViewSchema } from "@/lib/app-input";
import { credentialKeys } from "@/lib/query-keys";
import { fetchJson } from "./fetch-json";

const appsKey = ["apps", "list"] as const;
const one = z.object({ app: appViewSchema });

export function useApps() {
  return useQuery({ queryKey: appsKey, queryFn: () => fetchJson("/api/apps", z.object({ apps: z.array(appViewSchema) }), { cache: "no-store" }) });
}

function useAppMutation<T>(fn: (arg: T) => Promise<z.infer<typeof one>>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSettled: async () => {
      await queryClient.invalidateQueries({ queryKey: appsKey });
      await queryClient.invalidateQueries({ queryKey: credentialKeys.all });
    },
  });
}

const send = (url: string, method: string, body: unknown) =>
  fetchJson(url, one, { method, headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

export const useCreateApp = () => useAppMutation((body: unknown) => send("/api/apps", "POST", body));
export const useUpdateApp = () => useAppMutation(({ id, body }: { id: string; body: unknown }) => send(`/api/apps/${encodeURIComponent(id)}`, "PATCH", body));
export const useSetAppEnabled = () =>
  useAppMutation(({ id, enabled }: { id: string; enabled: boolean }) => send(`/api/apps/${encodeURIComponent(id)}/enabled`, "PUT", { enabled }));
