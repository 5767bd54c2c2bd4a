"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { anyAnswer, fetchJson, jsonBody } from "@/components/ui/fetch-json";
import { alertKeys, credentialKeys } from "@/lib/query-keys";

const post = (url: string, body?: unknown) => fetchJson(url, anyAnswer, jsonBody("POST", body));

export const acknowledgeAlert = ({ id }: { id: string }) => post(`/api/alerts/${encodeURIComponent(id)}/acknowledge`);
export const silenceAlert = ({ id, minutes }: { id: string; minutes: number }) => post(`/api/alerts/${encodeURIComponent(id)}/silence`, { minutes });
export const clearQuota = ({ appRef }: { appRef: string }) => post(`/api/apps/${encodeURIComponent(appRef)}/clear-quota`);

/** One mutation hook per action; each refetches the alerts (and credentials, whose schedule clear_quota moves). */
export function useAlertAction<A>(fn: (args: A) => Promise<unknown>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSettled: async () => {
      await Promise.all([queryClient.invalidateQueries({ queryKey: alertKeys.all }), queryClient.invalidateQueries({ queryKey: credentialKeys.all })]);
    },
  });
}
