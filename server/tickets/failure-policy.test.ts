import { describe, expect, it } from "vitest";
import { nextVendorDayStart } from "@/lib/vendor-day";
import { failurePolicy, QUOTA_PAUSE_REASON } from "./failure-policy";

const now = new Date("2026-03-01T10:00:00Z");
const at = (ms: number) => new Date(now.getTime() + ms);
const never = () => {
  throw new Error("randomness not expected on this path");
};

describe("failurePolicy", () => {
  it("stops a bad configuration until someone refreshes by hand", () => {
    expect(failurePolicy({ failure: "bad-config", consecutiveFailures: 3, now, random: never })).toEqual({
      status: "failing",
      nextRefreshAt: null,
      reason: "stopped: fix the app's configuration, then refresh by hand",
    });
  });

  it("pauses a used-up daily quota until the vendor's day starts again (16:00 UTC), even if the vendor gave a retry time", () => {
    const d = failurePolicy({ failure: "quota-exhausted", consecutiveFailures: 1, retryAfterMs: 60_000, now, random: never });
    expect(d.nextRefreshAt).toEqual(nextVendorDayStart(now));
    expect(d.nextRefreshAt).toEqual(new Date("2026-03-01T16:00:00Z"));
    expect(d.reason).toBe(QUOTA_PAUSE_REASON);
  });

  it("waits as long as the vendor asked after a rate limit", () => {
    const d = failurePolicy({ failure: "rate-limited", consecutiveFailures: 2, retryAfterMs: 42_400, now, random: never });
    expect(d).toEqual({ status: "failing", nextRefreshAt: at(42_400), reason: "rate limited: retrying after 42 s" });
  });

  it("says a busy vendor asked to wait, counting the retries", () => {
    const d = failurePolicy({ failure: "busy", consecutiveFailures: 4, retryAfterMs: 180_000, now, random: never });
    expect(d.nextRefreshAt).toEqual(at(180_000));
    expect(d.reason).toBe("retry 4 after busy in 180 s (the vendor asks to try again in a few minutes)");
  });

  it("backs off exponentially from 5 s, with ±25 % jitter", () => {
    const low = () => 0;
    const mid = () => 0.5;
    const high = () => 0.999_999;
    expect(failurePolicy({ failure: "network", consecutiveFailures: 1, now, random: mid }).nextRefreshAt).toEqual(at(5_000));
    expect(failurePolicy({ failure: "network", consecutiveFailures: 2, now, random: mid }).nextRefreshAt).toEqual(at(10_000));
    expect(failurePolicy({ failure: "network", consecutiveFailures: 3, now, random: low }).nextRefreshAt).toEqual(at(15_000));
    const h = failurePolicy({ failure: "network", consecutiveFailures: 3, now, random: high }).nextRefreshAt!.getTime() - now.getTime();
    expect(h).toBeGreaterThanOrEqual(24_999);
    expect(h).toBeLessThan(25_000);
    expect(failurePolicy({ failure: "busy", consecutiveFailures: 2, now, random: mid }).reason).toBe("retry 2 after busy");
  });

  it("caps the backoff at 5 minutes", () => {
    expect(failurePolicy({ failure: "network", consecutiveFailures: 7, now, random: () => 0.5 }).nextRefreshAt).toEqual(at(300_000));
    expect(failurePolicy({ failure: "invalid-credential", consecutiveFailures: 40, now, random: () => 0.5 }).nextRefreshAt).toEqual(at(300_000));
  });

  it("treats a zero retry time as none given (backoff)", () => {
    expect(failurePolicy({ failure: "rate-limited", consecutiveFailures: 1, retryAfterMs: 0, now, random: () => 0.5 }).nextRefreshAt).toEqual(at(5_000));
  });
});
