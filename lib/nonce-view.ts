import { z } from "zod";

/** A NONCE ticket as the desk lists it: value masked except in the answer to the Issue request. */
export const nonceViewSchema = z.object({
  id: z.string(),
  appRef: z.string(),
  appName: z.string(),
  appId: z.string(),
  userId: z.string(),
  maskedValue: z.string(),
  issuedBy: z.string(),
  issuedAt: z.string(),
  expiresIn: z.number(),
  expiresAt: z.string(),
  usedAt: z.string().nullable(),
  /** Past its end on the server's clock when this answer was made (the page's own countdown may lag it). */
  expired: z.boolean(),
  usedBy: z.string().nullable(),
});
export type NonceView = z.infer<typeof nonceViewSchema>;

export const issuedNonceSchema = nonceViewSchema.extend({ value: z.string(), serverTime: z.string() });
export const nonceListSchema = z.object({ serverTime: z.string(), nonces: z.array(nonceViewSchema) });
export type NonceList = z.infer<typeof nonceListSchema>;

/** How many recent NONCE tickets the desk lists. */
export const NONCE_LIST_LIMIT = 30;
