import * as z from "zod/mini";
import { sentenceSchema } from "./sentence-schema";

/** An alert as GET /api/alerts shows it (zod/mini: the overview polls this and stays light). */
export const alertViewSchema = z.object({
  id: z.string(),
  kind: z.string(),
  message: z.string(),
  appName: z.nullable(z.string()),
  credentialId: z.nullable(z.string()),
  openedAt: z.string(),
  resolvedAt: z.nullable(z.string()),
  notified: z.boolean(),
  deliveryError: z.nullable(z.string()),
  appRef: z.nullable(z.string()),
  acknowledgedAt: z.nullable(z.string()),
  acknowledgedBy: z.nullable(z.string()),
  /** Notifications are held back until then (null: not silenced, or the silence ended). */
  silencedUntil: z.nullable(z.string()),
  /** Who silenced it (null when not silenced). */
  silencedBy: z.nullable(z.string()),
  /** What to do about it (server/alerts/runbook.ts): shown on the credential page. */
  runbook: z.nullable(
    z.object({
      /** Which runbook (a key under `runbooks` in i18n/messages): the page shows it in its language; title and text stay English. */
      id: z.optional(z.string()),
      title: z.string(),
      text: z.string(),
      href: z.nullable(z.string()),
      linkText: z.nullable(z.string()),
      action: z.nullable(z.enum(["clear-quota"])),
      addresses: z.nullable(z.array(z.string())),
      /** 40164: the address WeChat says the refused call came from (server/alerts/runbook.ts). */
      seenAddress: z.optional(z.nullable(z.string())),
    }),
  ),
  /** When WeChat's clear_quota last reset the app's counters, if that came after the alert opened (null otherwise): the runbook's action is done for it. */
  quotaClearedAt: z.optional(z.nullable(z.string())),
  /** `message` and `deliveryError` as codes and parameters (lib/sentence.ts); null where there is none (or on rows from before). */
  messageSentence: z.optional(z.nullable(sentenceSchema)),
  deliveryErrorSentence: z.optional(z.nullable(sentenceSchema)),
});
export type AlertView = z.infer<typeof alertViewSchema>;

export const alertListSchema = z.object({ open: z.array(alertViewSchema), recent: z.array(alertViewSchema) });
export type AlertList = z.infer<typeof alertListSchema>;
