import { describe, expect, it } from "vitest";
import type { CredentialView } from "@/lib/credential-view";
import { timeChangeOf } from "./kept-list";

/** The first moment any of `views` reads differently by time alone. */
const nextTimeChange = (views: CredentialView[], atMs: number) => Math.min(...views.map((c) => timeChangeOf(c, atMs)));

const at = Date.parse("2026-03-01T00:00:00Z");
const iso = (s: number) => new Date(at + s * 1000).toISOString();
const view = (over: Partial<CredentialView>): CredentialView =>
  ({
    refreshing: false,
    lease: null,
    current: { maskedValue: "x", fetchedAt: iso(-10), expiresIn: 7200, expiresAt: iso(7190), vendorExpireTime: null },
    previous: null,
    quota: { endpoint: "/t", used: 1, limit: null, limitSource: null, exhausted: false, low: false, resetsAt: iso(36_000) },
    impact: { state: "ok", atRisk: false, breaksAt: null, refreshPossibleAt: null, blockedBy: null, attention: 6 },
    ...over,
  }) as CredentialView;

describe("timeChangeOf: when a kept view (and so the rendered list) stops being true by time alone", () => {
  it("is the earliest expiry, end of overlap, lapse of a held lease or quota reset still ahead", () => {
    expect(nextTimeChange([view({})], at)).toBe(at + 7190_000);
    expect(nextTimeChange([view({}), view({ previous: { maskedValue: "y", validUntil: iso(240) } })], at)).toBe(at + 240_000);
    const lease = { instance: "i", acquiredAt: iso(-1), expiresAt: iso(29) };
    expect(nextTimeChange([view({ refreshing: true, lease })], at)).toBe(at + 29_000);
    expect(
      nextTimeChange([view({ quota: { endpoint: "/t", used: 1, limit: 5, limitSource: "app", exhausted: false, low: false, resetsAt: iso(60) } })], at),
    ).toBe(at + 60_000);
  });

  it("counts the moment a waited-for refresh becomes possible (a retry, a quota reset): the time to impact changes then", () => {
    const retrying = {
      state: "retrying" as const,
      atRisk: false,
      breaksAt: iso(7190),
      refreshPossibleAt: iso(45),
      blockedBy: "waiting for the next retry",
      attention: 3,
    };
    expect(nextTimeChange([view({ impact: retrying })], at)).toBe(at + 45_000);
  });

  it("ignores moments already past (an expired value stays expired) and a lease nobody holds", () => {
    const expired = view({ current: { maskedValue: "x", fetchedAt: iso(-100), expiresIn: 50, expiresAt: iso(-50), vendorExpireTime: null }, quota: null });
    expect(nextTimeChange([expired], at)).toBe(Number.POSITIVE_INFINITY);
    expect(nextTimeChange([view({ refreshing: false, lease: { instance: "i", acquiredAt: iso(-60), expiresAt: iso(5) }, quota: null })], at)).toBe(
      at + 7190_000,
    );
  });
});
