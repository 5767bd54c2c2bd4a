import "server-only";
import { type Sentence, sentence } from "@/lib/sentence";
import { english } from "./sentences";

const BLOCKED_BY = {
  badConfig: sentence("blocked.badConfig"),
  quota: sentence("blocked.quota"),
  retry: sentence("blocked.retry"),
};

/**
 * What the dashboard and the alerts rank by:
 * - `broken`: clients are failing now (no valid value) and the engine cannot fix it by itself yet;
 * - `failing`: the value dies before a refresh can succeed (at risk) while refreshes fail;
 * - `at-risk`: the same without a failure of its own (a sibling's quota pause, say);
 * - `retrying`: a refresh failed but a retry comes well before the value dies ("value fine");
 * - `expired`, `pending`: no value, nothing failing (yet); `ok`: nothing to do.
 */
export type ImpactState = "broken" | "failing" | "at-risk" | "retrying" | "expired" | "pending" | "ok";

/** Lower comes first in "Needs attention"; ties are broken by `breaksAt` (earliest first). */
export const ATTENTION_RANK: Record<ImpactState, number> = { broken: 0, failing: 1, "at-risk": 2, retrying: 3, expired: 4, pending: 5, ok: 6 };

export type ImpactInput = {
  now: Date;
  /** The current value's effective expiry (capped as the engine caps it: effective-expiry.ts); null without a value. */
  expiresAt: Date | null;
  /** The credential row's status and its last failure's class. */
  failing: boolean;
  lastErrorClass: string | null;
  /** When the engine tries next (failure-policy.ts backoff, a quota pause, or the schedule). */
  nextRefreshAt: Date | null;
  /** The endpoint's quota for the vendors' day: exhausted until `resetsAt` (00:00 UTC+8). */
  quota: { exhausted: boolean; resetsAt: Date } | null;
  /** The refresh lease, while one is held (expiresAt in the future). */
  lease: { expiresAt: Date } | null;
};

export type Impact = {
  /** When clients break: the value's effective expiry (now or earlier when there is none). */
  breaksAt: Date | null;
  /** The earliest moment a refresh can succeed; null: never by itself (bad configuration: fix the app). */
  refreshPossibleAt: Date | null;
  /** What holds the refresh back until refreshPossibleAt, in words (English) and as a sentence for the dashboard. */
  blockedBy: string | null;
  blocked: Sentence | null;
  atRisk: boolean;
  state: ImpactState;
  attention: number;
};

function later(a: Date, b: Date): Date {
  return a > b ? a : b;
}

/**
 * Time to impact of one credential. Pure: everything comes in, so every branch is unit-tested.
 *
 * refreshPossibleAt is the latest of what must pass before a refresh can succeed:
 * - bad-config: never until someone changes the app (the engine stopped retrying: failure-policy.ts);
 * - quota exhausted on its endpoint: the vendor's daily reset (quota.ts, quota-pause.ts);
 * - after a failure: the backoff's next attempt (nextRefreshAt);
 * - a held lease means an attempt is in flight: it may succeed now, so it adds no delay; should its
 *   holder die, the lease lapses within the lease TTL (seconds), far below any lifetime here.
 */
export function timeToImpact(input: ImpactInput): Impact {
  const { now } = input;
  const alive = input.expiresAt !== null && input.expiresAt > now;
  const breaksAt = input.expiresAt;
  let refreshPossibleAt: Date | null = now;
  let blocked: Sentence | null = null;
  if (input.failing && input.lastErrorClass === "bad-config") {
    refreshPossibleAt = null;
    blocked = BLOCKED_BY.badConfig;
  } else {
    if (input.quota?.exhausted && input.quota.resetsAt > now) {
      refreshPossibleAt = input.quota.resetsAt;
      blocked = BLOCKED_BY.quota;
    }
    if (input.failing && input.nextRefreshAt && input.nextRefreshAt > refreshPossibleAt) {
      refreshPossibleAt = later(refreshPossibleAt, input.nextRefreshAt);
      blocked = input.lastErrorClass === "quota-exhausted" ? BLOCKED_BY.quota : BLOCKED_BY.retry;
    }
  }
  // At risk: the value dies before a refresh can succeed (or nothing can ever succeed).
  const atRisk = alive ? refreshPossibleAt === null || breaksAt! < refreshPossibleAt : input.failing;
  let state: ImpactState;
  if (!alive) state = input.failing ? "broken" : input.expiresAt ? "expired" : "pending";
  else if (atRisk) state = input.failing ? "failing" : "at-risk";
  else state = input.failing ? "retrying" : "ok";
  return { breaksAt, refreshPossibleAt, blockedBy: blocked && english(blocked), blocked, atRisk, state, attention: ATTENTION_RANK[state] };
}
