import * as z from "zod/mini";

/** RFC 9457 problem details, as every API error is sent. */
export const problemSchema = z.looseObject({ type: z.optional(z.string()), title: z.string(), status: z.number(), detail: z.optional(z.string()) });
export type Problem = z.infer<typeof problemSchema>;
