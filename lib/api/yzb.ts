"use client";
import { useMutation } from "@tanstack/react-query";
import { z } from "zod";
import { fetchJson } from "./fetch-json";

const post = <S extends z.ZodType>(url: string, schema: S) => (body: unknown) =>
  fetchJson(url, schema, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

export function useExchangeCode() {
  return useMutation({ mutationFn: post("/api/yzb/open-id", z.object({ openId: z.string() })) });
}

export function useCheckCode() {
  return useMutation({
    mutationFn: post(
      "/api/yzb/check",
      z.union([z.object({ valid: z.literal(true), vendorExpiresAt: z.string() }), z.object({ valid: z.literal(false), message: z.string() })]),
    ),
  });
}
