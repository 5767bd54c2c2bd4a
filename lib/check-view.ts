import { z } from "zod";
import { sentenceSchema } from "./sentence-schema";

/** What the Check action found: our own view of the value, and the vendor's where it offers a check. */
export const checkResultSchema = z.object({
  serverTime: z.string(),
  credentialId: z.string(),
  local: z.object({ valid: z.boolean(), remainingSeconds: z.number(), expiresAt: z.string().nullable(), generation: z.number().nullable() }),
  probe: z.discriminatedUnion("available", [
    // `sentence`: the explanation or message as a code and parameters (lib/sentence.ts), for the page's language.
    z.object({ available: z.literal(false), explanation: z.string(), sentence: z.optional(sentenceSchema) }),
    z.object({
      available: z.literal(true),
      outcome: z.enum(["valid", "invalid", "error", "skipped"]),
      message: z.string(),
      vendorExpiresAt: z.string().optional(),
      sentence: z.optional(sentenceSchema),
    }),
  ]),
});
export type CheckResult = z.infer<typeof checkResultSchema>;
