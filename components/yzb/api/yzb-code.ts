"use client";
import { useMutation } from "@tanstack/react-query";
import { codeCheckSchema, openIdSchema } from "@/lib/yzb-view";
import { fetchJson, jsonBody } from "@/components/ui/fetch-json";

export const exchangeCode = (body: unknown) => fetchJson("/api/yzb/open-id", openIdSchema, jsonBody("POST", body));
export const checkCode = (body: unknown) => fetchJson("/api/yzb/check", codeCheckSchema, jsonBody("POST", body));

export const useExchangeCode = () => useMutation({ mutationFn: exchangeCode });
export const useCheckCode = () => useMutation({ mutationFn: checkCode });
