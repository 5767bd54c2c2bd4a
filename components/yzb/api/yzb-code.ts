"use client";
import { useMutation } from "@tanstack/react-query";
import { codeCheckSchema, openIdSchema } from "@/lib/yzb-view";
import { fetchJson, jsonBody, VENDOR_WAIT_TIMEOUT_MS } from "@/components/ui/fetch-json";

export const exchangeCode = (body: unknown) => fetchJson("/api/yzb/open-id", openIdSchema, jsonBody("POST", body), VENDOR_WAIT_TIMEOUT_MS);
export const checkCode = (body: unknown) => fetchJson("/api/yzb/check", codeCheckSchema, jsonBody("POST", body), VENDOR_WAIT_TIMEOUT_MS);

export const useExchangeCode = () => useMutation({ mutationFn: exchangeCode });
export const useCheckCode = () => useMutation({ mutationFn: checkCode });
