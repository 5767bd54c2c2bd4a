"use client";
import { z } from "zod";
import { fetchJson, jsonBody } from "@/components/ui/fetch-json";

const revealSchema = z.object({ value: z.string(), generation: z.number() });

/** Reveal or copy a value: the server audits it. */
export function revealValue(id: string, action: "reveal" | "copy", versionId?: string) {
  return fetchJson(`/api/credentials/${encodeURIComponent(id)}/reveal`, revealSchema, jsonBody("POST", { action, ...(versionId ? { versionId } : {}) }));
}
