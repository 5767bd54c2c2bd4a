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
  /** Today's calls to the endpoint this credential is fetched from (the vendors' day, UTC+8). */
  quota: z
    .object({
      endpoint: z.string(),
      used: z.number(),
      limit: z.number().nullable(),
      limitSource: z.enum(["app", "vendor"]).nullable(),
      exhausted: z.boolean(),
      resetsAt: z.string(),
    })
    .nullable(),
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

/** A credential's history: every version (masked) and every upstream call, newest first. */
export const credentialHistorySchema = z.object({
  serverTime: z.string(),
  credentialId: z.string(),
  retentionDays: z.number(),
  versions: z.array(
    z.object({
      id: z.string(),
      generation: z.number(),
      current: z.boolean(),
      maskedValue: z.string(),
      fetchedAt: z.string(),
      expiresIn: z.number(),
      expiresAt: z.string(),
      vendorExpireTime: z.string().nullable(),
      supersededAt: z.string().nullable(),
      validUntil: z.string().nullable(),
      parent: z.object({ id: z.string(), generation: z.number().nullable() }).nullable(),
    }),
  ),
  calls: z.array(
    z.object({
      id: z.string(),
      endpoint: z.string(),
      method: z.string(),
      startedAt: z.string(),
      latencyMs: z.number(),
      httpStatus: z.number().nullable(),
      vendorCode: z.string().nullable(),
      vendorMessage: z.string().nullable(),
      errorClass: z.string().nullable(),
    }),
  ),
});
export type CredentialHistory = z.infer<typeof credentialHistorySchema>;
