"use client";
// Add, edit, enable or disable an app: each changes the app list and the credential slots.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { z } from "zod";
import { appViewSchema } from "@/lib/app-input";
import { appKeys, credentialKeys } from "@/lib/query-keys";
import { fetchJson, jsonBody } from "@/components/ui/fetch-json";

const oneApp = z.object({ app: appViewSchema });

export const createApp = (body: unknown) => fetchJson("/api/apps", oneApp, jsonBody("POST", body));
export const updateApp = ({ id, body }: { id: string; body: unknown }) => fetchJson(`/api/apps/${encodeURIComponent(id)}`, oneApp, jsonBody("PATCH", body));
export const setAppEnabled = ({ id, enabled }: { id: string; enabled: boolean }) =>
  fetchJson(`/api/apps/${encodeURIComponent(id)}/enabled`, oneApp, jsonBody("PUT", { enabled }));

function useAppMutation<T>(fn: (arg: T) => Promise<z.infer<typeof oneApp>>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSettled: async () => {
      await queryClient.invalidateQueries({ queryKey: appKeys.all });
      await queryClient.invalidateQueries({ queryKey: credentialKeys.all });
    },
  });
}

export const useCreateApp = () => useAppMutation(createApp);
export const useUpdateApp = () => useAppMutation(updateApp);
export const useSetAppEnabled = () => useAppMutation(setAppEnabled);
