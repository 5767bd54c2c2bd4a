"use client";
import { useMutation } from "@tanstack/react-query";
import { z } from "zod";
import { fetchJson } from "./fetch-json";

const jsSdkResult = z.object({
  appId: z.string().nullable(),
  timestamp: z.number(),
  nonceStr: z.string(),
  signature: z.string(),
  canonical: z.string(),
  ticketGeneration: z.number().nullable(),
});
const faceidResult = z.object({ signature: z.string(), canonical: z.string(), sorted: z.array(z.string()) });

const post = <S extends z.ZodType>(url: string, schema: S) => (body: unknown) =>
  fetchJson(url, schema, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

export function useJsSdkSignature() {
  return useMutation({ mutationFn: post("/api/signatures/jssdk", jsSdkResult) });
}

export function useFaceidSignature() {
  return useMutation({ mutationFn: post("/api/signatures/faceid", faceidResult) });
}
