// A namespace import: bundlers keep only the schemas used ({ z } pulls in all of zod/mini, ~20 kB gzip).
import * as z from "zod/mini";
import { catalogEntrySchema } from "./catalog-view";
import { sentenceSchema } from "./sentence-schema";

/** A credential as the dashboard API shows it: values masked, times as ISO strings. */
export const credentialViewSchema = z.extend(catalogEntrySchema, {
  status: z.enum(["pending", "active", "failing", "expired"]),
  generation: z.number(),
  refreshing: z.boolean(),
  /** The refresh lease while one is held: which instance, since when, and when it lapses if that instance dies. */
  lease: z.nullable(z.object({ instance: z.string(), acquiredAt: z.string(), expiresAt: z.string() })),
  current: z.nullable(
    z.object({
      maskedValue: z.string(),
      fetchedAt: z.string(),
      expiresIn: z.number(),
      expiresAt: z.string(),
      vendorExpireTime: z.nullable(z.string()),
    }),
  ),
  previous: z.nullable(z.object({ maskedValue: z.string(), validUntil: z.string() })),
  /** `message` in English as stored; `sentence` the same as a code and parameters (lib/sentence.ts), for the page's language. */
  lastError: z.nullable(z.object({ message: z.string(), class: z.nullable(z.string()), at: z.nullable(z.string()), sentence: z.optional(sentenceSchema) })),
  consecutiveFailures: z.number(),
  nextRefreshAt: z.nullable(z.string()),
  nextRefreshReason: z.nullable(z.string()),
  nextRefreshReasonSentence: z.optional(z.nullable(sentenceSchema)),
  policy: z.string(),
  policySentence: z.optional(sentenceSchema),
  /** Today's calls to the endpoint this credential is fetched from (the vendors' day, UTC+8). */
  quota: z.nullable(
    z.object({
      endpoint: z.string(),
      used: z.number(),
      limit: z.nullable(z.number()),
      limitSource: z.nullable(z.enum(["app", "vendor"])),
      exhausted: z.boolean(),
      /** Exhausted, or at the configured share of the limit (TICKETHUB_ALERT_QUOTA_PERCENT): health "Quota low". */
      low: z.boolean(),
      resetsAt: z.string(),
    }),
  ),
  /**
   * Time to impact (server/tickets/time-to-impact.ts): when clients break against when a refresh can
   * next succeed. `state` tells "retrying, value fine" from "failing: clients will break"; `attention`
   * ranks what needs a human first (0 = broken now), ties by `breaksAt`.
   */
  impact: z.object({
    state: z.enum(["broken", "failing", "at-risk", "retrying", "expired", "pending", "ok"]),
    atRisk: z.boolean(),
    /** When clients break: the current value's effective expiry; null without a value. */
    breaksAt: z.nullable(z.string()),
    /**
     * The earliest moment a refresh can succeed when something holds it back (`blockedBy` says what);
     * null with `blockedBy` set: never until the app's configuration is changed; null without: now.
     */
    refreshPossibleAt: z.nullable(z.string()),
    blockedBy: z.nullable(z.string()),
    blockedBySentence: z.optional(z.nullable(sentenceSchema)),
    attention: z.number(),
  }),
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
  /** The stored generation was already newer than the one the caller saw: no vendor call was made. */
  alreadyNewer: z.boolean(),
  credential: credentialViewSchema,
});
export type RefreshResponse = z.infer<typeof refreshResponseSchema>;

/** How many versions and upstream calls the credential page shows (its history's first page). */
export const HISTORY_LIMIT = 200;

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
      vendorExpireTime: z.nullable(z.string()),
      supersededAt: z.nullable(z.string()),
      validUntil: z.nullable(z.string()),
      parent: z.nullable(z.object({ id: z.string(), generation: z.nullable(z.number()) })),
    }),
  ),
  calls: z.array(
    z.object({
      id: z.string(),
      endpoint: z.string(),
      method: z.string(),
      startedAt: z.string(),
      latencyMs: z.number(),
      httpStatus: z.nullable(z.number()),
      vendorCode: z.nullable(z.string()),
      vendorMessage: z.nullable(z.string()),
      errorClass: z.nullable(z.string()),
    }),
  ),
});
export type CredentialHistory = z.infer<typeof credentialHistorySchema>;
