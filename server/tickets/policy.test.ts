import { describe, expect, it } from "vitest";
import { nextRefreshAt, policyFor } from "./policy";

describe("WeChat refresh policy", () => {
  const fetchedAt = new Date("2026-01-01T00:00:00Z");
  const policy = policyFor("wechat", "access_token");

  it("keeps the old token alive 5 minutes", () => {
    expect(policy.overlapSeconds).toBe(300);
  });

  it("schedules the refresh at about two thirds of the lifetime, spread by jitter", () => {
    const at = (r: number) => (nextRefreshAt(policy, fetchedAt, 7200, () => r).getTime() - fetchedAt.getTime()) / 1000;
    expect(at(0.5)).toBeCloseTo(4800, 0);
    expect(at(0)).toBeLessThan(4800);
    expect(at(1)).toBeGreaterThan(4800);
    expect(at(0)).toBeGreaterThan(4500);
    expect(at(1)).toBeLessThan(5100);
  });
});
