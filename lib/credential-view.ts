import { z } from "zod";

/** A credential as the dashboard API shows it: values masked, times as ISO strings. */
export const credentialViewSchema = z.object({
  id: z.string(),
  vendor: z.string(),
  vendorLabel: z.string(),
  appRef: z.string(),
  appId: z.string(),
  appName: z.string(),
  kind: z.string(),
  kindLabel: z.string(),
  status: z.enum(["pending", "active", "failing", "expired"]),
  generation: z.number(),
  refreshing: z.boolean(),
  /** The refresh lease while one is held: which instance, since when, and when it lapses if that instance dies. */
  lease: z.object({ instance: z.string(), acquiredAt: z.string(), expiresAt: z.string() }).nullable(),
  current: z
    .object({
      maskedValue: z.string(),
      fetchedAt: z.string(),
      expiresIn: z.number(),
      expiresAt: z.string(),
      vendorExpireTime: z.string().nullable(),
    })
    .nullable(),
  previous: z.object({ maskedValue: z.string(), validUntil: z.string() }).nullable(),
  lastError: z.object({ message: z.string(), class: z.string().nullable(), at: z.string().nullable() }).nullable(),
  consecutiveFailures: z.number(),
  nextRefreshAt: z.string().nullable(),
  nextRefreshReason: z.string().nullable(),
  policy: z.string(),
});
export type CredentialView = z.infer<typeof credentialViewSchema>;

export const credentialListSchema = z.object({
  serverTime: z.string(),
  credentials: z.array(credentialViewSchema),
});
export type CredentialList = z.infer<typeof credentialListSchema>;

export const refreshResponseSchema = z.object({
  serverTime: z.string(),
  joined: z.boolean(),
  credential: credentialViewSchema,
});
export type RefreshResponse = z.infer<typeof refreshResponseSchema>;

/** RFC 9457 problem details, as every API error is sent. */
export const problemSchema = z
  .object({ type: z.string().optional(), title: z.string(), status: z.number(), detail: z.string().optional() })
  .loose();
export type Problem = z.infer<typeof problemSchema>;
