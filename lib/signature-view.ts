import * as z from "zod/mini";
import { MISMATCH_CAUSES } from "./signature-input";

/** The answers of the dashboard's signature tools (POST /api/signatures/jssdk and /faceid). */
export const jsSdkSignatureSchema = z.object({
  appId: z.nullable(z.string()),
  timestamp: z.number(),
  nonceStr: z.string(),
  signature: z.string(),
  canonical: z.string(),
  ticketGeneration: z.nullable(z.number()),
  /** With the signature the page sent: whether it matches, and the usual slip that reproduces it (null: none found). */
  comparison: z.nullable(z.object({ match: z.boolean(), cause: z.nullable(z.enum(MISMATCH_CAUSES)) })),
});
export const faceidSignatureSchema = z.object({ signature: z.string(), canonical: z.string(), sorted: z.array(z.string()) });
