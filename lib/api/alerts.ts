"use client";
import { useQuery } from "@tanstack/react-query";
import { z } from "zod";
import { fetchJson } from "./fetch-json";

const alertView = z.object({
  id: z.string(),
  kind: z.string(),
  message: z.string(),
  appName: z.string().nullable(),
  credentialId: z.string().nullable(),
  openedAt: z.string(),
  resolvedAt: z.string().nullable(),
  notified: z.boolean(),
  deliveryError: z.string().nullable(),
});
export type AlertView = z.infer<typeof alertView>;

export function useAlerts() {
  return useQuery({
    queryKey: ["alerts"],
    queryFn: () => fetchJson("/api/alerts", z.object({ open: z.array(alertView), recent: z.array(alertView) }), { cache: "no-store" }),
    refetchInterval: 5_000,
  });
}
