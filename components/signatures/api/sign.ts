"use client";
import { useMutation } from "@tanstack/react-query";
import type { FaceidInput, JsSdkInput } from "@/lib/signature-input";
import { faceidSignatureSchema, jsSdkSignatureSchema } from "@/lib/signature-view";
import { fetchJson, jsonBody } from "@/components/ui/fetch-json";

export const signJsSdk = (body: JsSdkInput) => fetchJson("/api/signatures/jssdk", jsSdkSignatureSchema, jsonBody("POST", body));
export const signFaceid = (body: FaceidInput) => fetchJson("/api/signatures/faceid", faceidSignatureSchema, jsonBody("POST", body));

export const useJsSdkSignature = () => useMutation({ mutationFn: signJsSdk });
export const useFaceidSignature = () => useMutation({ mutationFn: signFaceid });
