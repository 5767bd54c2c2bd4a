import "server-only";
import { nextVendorDayStart } from "@/lib/vendor-day";
import { sentence } from "@/lib/sentence";
import type { FailureClass } from "../vendors/types";
import { english } from "./sentences";

/** Why a credential is paused after a vendor said its daily quota is used up (failurePolicy, quota-pause.ts). */
export const QUOTA_PAUSE_REASON = english(sentence("reason.quotaPause"));
/** Why a credential is due at once after its app's settings were saved (manage-apps.ts, record-failure.ts). */
export const APP_CHANGED_REASON = english(sentence("reason.appChanged"));

export type FailureDecision = { status: "failing"; nextRefreshAt: Date | null; reason: string };

/**
 * When a credential whose refresh just failed is tried again, and what its row says about it. Pure:
 * the time and the jitter's randomness come in, so every branch is testable.
 * `consecutiveFailures` counts this failure too (1 after the first).
 */
export function failurePolicy(args: {
  failure: FailureClass;
  consecutiveFailures: number;
  retryAfterMs?: number;
  now: Date;
  random: () => number;
}): FailureDecision {
  const { failure, consecutiveFailures: failures, retryAfterMs } = args;
  const t = args.now.getTime();
  if (failure === "bad-config") {
    return { status: "failing", nextRefreshAt: null, reason: english(sentence("reason.stopped")) };
  }
  if (failure === "quota-exhausted") {
    return { status: "failing", nextRefreshAt: nextVendorDayStart(new Date(t)), reason: QUOTA_PAUSE_REASON };
  }
  if (retryAfterMs) {
    // The vendor said how long to wait (a rate limit's reset, WeChat's "try again in a few minutes").
    const duration = Math.round(retryAfterMs / 1000);
    const reason = english(failure === "busy" ? sentence("reason.busy", { count: failures, duration }) : sentence("reason.rateLimited", { duration }));
    return { status: "failing", nextRefreshAt: new Date(t + retryAfterMs), reason };
  }
  // Exponential backoff with jitter: 5 s, 10 s, 20 s … capped at 5 min.
  const base = Math.min(300_000, 5_000 * 2 ** (failures - 1));
  return {
    status: "failing",
    nextRefreshAt: new Date(t + base * (0.75 + args.random() * 0.5)),
    reason: english(sentence("reason.retry", { count: failures, failure })),
  };
}
