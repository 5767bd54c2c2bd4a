import * as z from "zod/mini";
import type { Sentence } from "./sentence";

/** A server-composed sentence as the JSON APIs carry it (lib/sentence.ts). */
export const sentenceSchema: z.ZodMiniType<Sentence> = z.object({
  code: z.string(),
  params: z.record(z.string(), z.union([z.string(), z.number(), z.lazy(() => sentenceSchema)])),
});
