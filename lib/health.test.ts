import { describe, expect, it } from "vitest";
import { credentialView } from "@/test-support/credential-view";
import type { CredentialView } from "./credential-view";
import { byAttention, healthOf, type Health } from "./health";

const NOW = Date.parse("2026-11-22T08:00:00Z");
const at = (s: number) => new Date(NOW + s * 1000).toISOString();

const cred = (over: Partial<CredentialView> = {}) => credentialView(at, over);

describe("healthOf", () => {
  it("is healthy with life left, a future refresh and no overlap", () => {
    expect(healthOf(cred(), NOW, 0)).toBe("healthy");
  });
  it("puts failing first, then expired, expiring, quota, due, overlap", () => {
    expect(healthOf(cred({ status: "failing", current: { ...cred().current!, expiresAt: at(-5) } }), NOW, 0)).toBe("failing");
    expect(healthOf(cred({ current: { ...cred().current!, expiresAt: at(-5) } }), NOW, 0)).toBe("expired");
    expect(healthOf(cred({ current: { ...cred().current!, expiresAt: at(600) } }), NOW, 0)).toBe("expiring");
    expect(
      healthOf(cred({ quota: { endpoint: "/x", used: 1600, limit: 2000, limitSource: "vendor", exhausted: false, low: true, resetsAt: at(9999) } }), NOW, 0),
    ).toBe("quota-low");
    expect(healthOf(cred({ nextRefreshAt: at(-60) }), NOW, 0)).toBe("refresh-due");
    expect(healthOf(cred({ previous: { maskedValue: "x", validUntil: at(200) } }), NOW, 0)).toBe("in-overlap");
    expect(healthOf(cred({ current: null, status: "pending" }), NOW, 0)).toBe("pending");
  });
  it("does not call a refresh that is running due or expiring", () => {
    expect(healthOf(cred({ refreshing: true, nextRefreshAt: at(-60) }), NOW, 0)).toBe("healthy");
    expect(healthOf(cred({ refreshing: true, current: { ...cred().current!, expiresAt: at(100) } }), NOW, 0)).toBe("healthy");
  });
  it("follows the server's clock, not the browser's", () => {
    // The browser is 5 minutes behind: the server sees 7100 - 300 s left.
    const c = cred({ current: { ...cred().current!, expiresAt: at(500) } });
    expect(healthOf(c, NOW, 0)).toBe("expiring");
    expect(healthOf(c, NOW - 300_000, 300_000)).toBe("expiring");
    expect(healthOf(c, NOW, -10_000_000)).toBe("healthy");
  });
  it("a past overlap window no longer counts", () => {
    expect(healthOf(cred({ previous: { maskedValue: "x", validUntil: at(-1) } }), NOW, 0)).toBe("healthy");
  });
});

describe("time to impact in the health", () => {
  const failing = { status: "failing" as const, lastError: { message: "WeChat -1", class: "busy", at: at(-10) }, consecutiveFailures: 1 };
  it("a transient failure with a long-valid value is retrying, not failing", () => {
    expect(healthOf(cred({ ...failing, impact: { ...cred().impact, state: "retrying" } }), NOW, 0)).toBe("retrying");
  });
  it("a value that dies before any refresh can succeed is at risk; with no value and failing, clients fail now", () => {
    const risk = { state: "failing" as const, atRisk: true, breaksAt: at(7100), refreshPossibleAt: at(20_000), blockedBy: "daily quota used up", attention: 1 };
    expect(healthOf(cred({ ...failing, impact: risk }), NOW, 0)).toBe("at-risk");
    expect(healthOf(cred({ impact: { ...risk, state: "at-risk" } }), NOW, 0)).toBe("at-risk");
    expect(healthOf(cred({ ...failing, current: null, impact: { ...risk, state: "broken", atRisk: true, breaksAt: null, attention: 0 } }), NOW, 0)).toBe(
      "failing",
    );
  });
  it("sorts what needs attention first (soonest break first) and keeps the rest in the server's order", () => {
    const row = (id: string, health: Health, breaksIn: number) => ({ c: cred({ id, impact: { ...cred().impact, breaksAt: at(breaksIn) } }), health });
    const rows = [row("a", "healthy", 10), row("b", "at-risk", 900), row("c", "in-overlap", 5), row("d", "failing", 9000), row("e", "at-risk", 300)];
    expect(rows.sort(byAttention).map((r) => r.c.id)).toEqual(["d", "e", "b", "a", "c"]);
  });
});
