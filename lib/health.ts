import type { CredentialView } from "./credential-view";
import { remainingSeconds } from "./time";

/** What ops need to know about a credential at a glance, most serious first. */
export const HEALTHS = ["failing", "expired", "expiring", "quota-low", "refresh-due", "in-overlap", "pending", "healthy"] as const;
export type Health = (typeof HEALTHS)[number];

export const HEALTH_LABELS: Record<Health, string> = {
  failing: "Failing",
  expired: "Expired",
  expiring: "Expiring",
  "quota-low": "Quota low",
  "refresh-due": "Refresh due",
  "in-overlap": "In overlap",
  pending: "Pending",
  healthy: "Healthy",
};

/** Less than this share of the lifetime left (or 5 minutes, whichever is more) is "expiring". */
const EXPIRING_SHARE = 0.1;
const EXPIRING_MIN_SECONDS = 300;
/** A refresh this late past its due time (and not running) is worth a look. */
const DUE_GRACE_SECONDS = 30;

/**
 * The one health a credential shows, from its state and the server's time: the most serious
 * that applies. `nowMs` + `clockOffsetMs` is the server's clock.
 */
export function healthOf(c: CredentialView, nowMs: number, clockOffsetMs: number): Health {
  if (c.status === "failing") return "failing";
  if (!c.current) return "pending";
  const left = remainingSeconds(c.current.expiresAt, nowMs, clockOffsetMs);
  if (left <= 0) return "expired";
  if (!c.refreshing && left < Math.max(EXPIRING_MIN_SECONDS, c.current.expiresIn * EXPIRING_SHARE)) return "expiring";
  if (c.quota && (c.quota.exhausted || (c.quota.limit !== null && c.quota.used >= c.quota.limit * 0.8))) return "quota-low";
  if (!c.refreshing && c.nextRefreshAt && remainingSeconds(c.nextRefreshAt, nowMs, clockOffsetMs) < -DUE_GRACE_SECONDS) return "refresh-due";
  if (c.previous && remainingSeconds(c.previous.validUntil, nowMs, clockOffsetMs) > 0) return "in-overlap";
  return "healthy";
}

/** "8 healthy · 1 failing", most serious first. */
export function healthSummary(healths: Health[]): string {
  const counts = new Map<Health, number>();
  for (const h of healths) counts.set(h, (counts.get(h) ?? 0) + 1);
  return HEALTHS.filter((h) => counts.get(h))
    .map((h) => `${counts.get(h)} ${HEALTH_LABELS[h].toLowerCase()}`)
    .join(" · ");
}
