import * as z from "zod/mini";

/** The answers of the dashboard's signature tools (POST /api/signatures/jssdk and /faceid). */
export const jsSdkSignatureSchema = z.object({
  appId: z.nullable(z.string()),
  timestamp: z.number(),
  nonceStr: z.string(),
  signature: z.string(),
  canonical: z.string(),
  ticketGeneration: z.nullable(z.number()),
});
export const faceidSignatureSchema = z.object({ signature: z.string(), canonical: z.string(), sorted: z.array(z.string()) });
