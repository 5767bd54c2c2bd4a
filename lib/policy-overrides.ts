import { z } from "zod";
import { textIn } from "./input-rules";
import type { VendorId } from "./credential-kinds";
import { numberIn } from "./number-rule";

/**
 * What an app may override (stored as JSON in `VendorApp.policy`): when each credential is
 * refreshed, and the daily quota limits of its endpoints. Overlap windows and lineage are
 * the vendor's behaviour, not a choice, so they cannot be overridden.
 */
const scheduleOverride = z
  .object({
    /** Refresh at this share of the lifetime (0.1–0.95). */
    refreshAtFraction: numberIn(0.1, 0.95, "must be a number from 0.1 to 0.95").optional(),
    /** Refresh every N seconds (60–7000), whatever the lifetime. */
    everySeconds: numberIn(60, 7000, "must be whole seconds from 60 to 7000", { int: true }).optional(),
    /** Refresh when this many seconds are left (60–7000). */
    refreshWhenRemainingSeconds: numberIn(60, 7000, "must be whole seconds from 60 to 7000", { int: true }).optional(),
    /** Random spread around the chosen moment, in seconds (0–600). */
    jitterSeconds: numberIn(0, 600, "must be whole seconds from 0 to 600", { int: true }).optional(),
  })
  .strict()
  .refine((o) => [o.refreshAtFraction, o.everySeconds, o.refreshWhenRemainingSeconds].filter((v) => v !== undefined).length <= 1, {
    message: "choose one of refreshAtFraction, everySeconds, refreshWhenRemainingSeconds",
  });

export const policyOverridesSchema = z
  .object({
    schedules: z.record(z.string(), scheduleOverride).optional(),
    /** Calls a day per endpoint path, e.g. {"/cgi-bin/ticket/getticket": 1000}. */
    quotas: z.record(z.string().startsWith("/"), z.number().int().min(1).max(10_000_000)).optional(),
    /**
     * Where this app's alerts are posted (besides TICKETHUB_ALERT_WEBHOOK_URL), e.g.
     * "https://hooks.example.com/tickethub". Only the syntax here: the server also applies
     * `webhookUrlProblem` (https, no private address), which needs its allowed-hosts setting.
     */
    alertWebhookUrl: textIn(2048)
      .refine((u) => URL.canParse(u) && /^https?:$/.test(new URL(u).protocol), { message: "must be an https:// URL" })
      .optional(),
  })
  .strict();
export type PolicyOverrides = z.infer<typeof policyOverridesSchema>;

/**
 * Refresh cadences a vendor prescribes and an app may shorten but never stretch. FaceID's SIGN
 * document: bind the ticket to its access token and refresh both every 20 minutes
 * ("每20分钟定时刷新"); "如果未按照上述做定时刷新，可能导致鉴权不通过" — otherwise authentication fails.
 */
export const VENDOR_CADENCES: Partial<Record<VendorId, { kinds: readonly string[]; seconds: number; rule: string }>> = {
  faceid: {
    kinds: ["access_token", "sign_ticket"],
    seconds: 20 * 60,
    rule: "FaceID's document requires refreshing the access token and SIGN ticket at least every 20 minutes (authentication fails otherwise)",
  },
};

/**
 * The first override that would refresh later than its vendor's cadence, with the field it names:
 * only a fixed interval can be held to a cadence (a share of the lifetime, or "when N s are left",
 * depends on a lifetime the vendor decides), and its latest moment is everySeconds + jitterSeconds.
 */
export function cadenceProblem(vendor: VendorId, overrides: PolicyOverrides): { path: string; message: string } | null {
  const cadence = VENDOR_CADENCES[vendor];
  if (!cadence) return null;
  for (const kind of cadence.kinds) {
    const o = overrides.schedules?.[kind];
    if (!o) continue;
    const at = `schedules.${kind}`;
    const use = `use everySeconds (with jitterSeconds) adding up to at most ${cadence.seconds}`;
    if (o.refreshAtFraction !== undefined) return { path: `${at}.refreshAtFraction`, message: `${cadence.rule}: ${use}` };
    if (o.refreshWhenRemainingSeconds !== undefined) return { path: `${at}.refreshWhenRemainingSeconds`, message: `${cadence.rule}: ${use}` };
    const every = o.everySeconds ?? cadence.seconds;
    const jitter = o.jitterSeconds ?? 0;
    if (every + jitter > cadence.seconds) {
      return {
        path: o.everySeconds !== undefined && o.everySeconds > cadence.seconds ? `${at}.everySeconds` : `${at}.jitterSeconds`,
        message: `${cadence.rule}: everySeconds + jitterSeconds must be at most ${cadence.seconds} (is ${every + jitter})`,
      };
    }
  }
  return null;
}
