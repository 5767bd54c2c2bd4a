import type { CredentialView } from "./credential-view";
import { remainingSeconds } from "./time";

/** What ops need to know about a credential at a glance, most serious first. */
export const HEALTHS = ["failing", "at-risk", "expired", "expiring", "retrying", "quota-low", "refresh-due", "in-overlap", "pending", "healthy"] as const;
export type Health = (typeof HEALTHS)[number];

/** Less than this share of the lifetime left (or 5 minutes, whichever is more) is "expiring". */
const EXPIRING_SHARE = 0.1;
const EXPIRING_MIN_SECONDS = 300;
/** A refresh this late past its due time (and not running) is worth a look. */
const DUE_GRACE_SECONDS = 30;

/** What needs a human: the strip at the top of the overview and the count in the tab's title. */
export const ATTENTION_HEALTHS: readonly Health[] = ["failing", "at-risk", "expired", "expiring", "refresh-due"];

/**
 * The one health a credential shows, from its state, its time to impact and the server's time: the
 * most serious that applies. `nowMs` + `clockOffsetMs` is the server's clock. A refresh that failed
 * while the value has long to live and a retry comes first is "retrying" (clients are fine); one
 * whose value dies before any refresh can succeed is "at risk"; "failing" means clients fail now.
 */
export function healthOf(c: CredentialView, nowMs: number, clockOffsetMs: number): Health {
  if (c.impact.state === "broken") return "failing";
  if (!c.current) return c.status === "failing" ? "failing" : "pending";
  const left = remainingSeconds(c.current.expiresAt, nowMs, clockOffsetMs);
  if (left <= 0) return c.status === "failing" ? "failing" : "expired";
  if (c.impact.atRisk) return "at-risk";
  if (c.status === "failing") return "retrying";
  if (!c.refreshing && left < Math.max(EXPIRING_MIN_SECONDS, c.current.expiresIn * EXPIRING_SHARE)) return "expiring";
  if (c.quota?.low) return "quota-low";
  if (!c.refreshing && c.nextRefreshAt && remainingSeconds(c.nextRefreshAt, nowMs, clockOffsetMs) < -DUE_GRACE_SECONDS) return "refresh-due";
  if (c.previous && remainingSeconds(c.previous.validUntil, nowMs, clockOffsetMs) > 0) return "in-overlap";
  return "healthy";
}

/**
 * "Needs attention" first, most urgent first (by health, then by when clients break); everything
 * else keeps the server's order (app, then credential), so rows do not jump while countdowns tick.
 * For Array.prototype.sort, which is stable.
 */
export function byAttention<T extends { c: CredentialView; health: Health }>(a: T, b: T): number {
  const rank = (x: T) => {
    const i = ATTENTION_HEALTHS.indexOf(x.health);
    return i < 0 ? ATTENTION_HEALTHS.length : i;
  };
  if (rank(a) !== rank(b)) return rank(a) - rank(b);
  if (rank(a) === ATTENTION_HEALTHS.length) return 0;
  const breaks = (x: T) => (x.c.impact.breaksAt ? Date.parse(x.c.impact.breaksAt) : Number.NEGATIVE_INFINITY);
  return breaks(a) - breaks(b);
}

/**
 * The next moment (server clock, ms) after `serverNowMs` at which healthOf(c) may read differently
 * by time alone: the value expires or enters its "expiring" window, a refresh becomes overdue, the
 * previous value leaves its overlap window. Changes of the data itself (a refresh, a failure, a
 * lease, a quota reset) are not time's: the server re-renders the list then. Infinity if none.
 * The server uses it to know how long a page of the overview, grouped by health, stays true.
 */
export function healthChangesAt(c: CredentialView, serverNowMs: number): number {
  if (c.impact.state === "broken" || !c.current) return Number.POSITIVE_INFINITY;
  // remainingSeconds(x) < k flips once the server's clock passes x − 1000·k (seconds are floored).
  const moments: number[] = [];
  const expiresAt = Date.parse(c.current.expiresAt);
  moments.push(expiresAt - 1_000);
  if (!c.refreshing) moments.push(expiresAt - 1_000 * Math.ceil(Math.max(EXPIRING_MIN_SECONDS, c.current.expiresIn * EXPIRING_SHARE)));
  if (!c.refreshing && c.nextRefreshAt) moments.push(Date.parse(c.nextRefreshAt) + DUE_GRACE_SECONDS * 1_000);
  if (c.previous) moments.push(Date.parse(c.previous.validUntil) - 1_000);
  let next = Number.POSITIVE_INFINITY;
  for (const m of moments) if (m >= serverNowMs && m < next) next = m;
  return next;
}
