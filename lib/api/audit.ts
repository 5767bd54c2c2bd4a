"use client";
import { useQuery } from "@tanstack/react-query";
import { z } from "zod";
import { fetchJson } from "./fetch-json";

const auditSchema = z.object({
  serverTime: z.string(),
  events: z.array(
    z.object({ id: z.string(), at: z.string(), actor: z.string(), action: z.string(), target: z.string().nullable(), outcome: z.string(), detail: z.string().nullable() }),
  ),
});

export function useAudit() {
  return useQuery({
    queryKey: ["audit", "list"],
    queryFn: () => fetchJson("/api/audit?limit=200", auditSchema, { cache: "no-store" }),
    refetchInterval: 5_000,
  });
}
