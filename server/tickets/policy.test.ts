import { describe, expect, it } from "vitest";
import { nextRefreshAt, parsePolicyOverrides, policyFor, policyOverridesSchema } from "./policy";

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

describe("other vendors' policies", () => {
  const fetchedAt = new Date("2026-01-01T00:00:00Z");
  const after = (vendor: Parameters<typeof policyFor>[0], kind: Parameters<typeof policyFor>[1], expiresIn: number) =>
    (nextRefreshAt(policyFor(vendor, kind), fetchedAt, expiresIn, () => 0.5).getTime() - fetchedAt.getTime()) / 1000;

  it("FaceID refreshes token and SIGN every 20 minutes whatever the lifetime, 1 min overlap", () => {
    expect(after("faceid", "access_token", 7200)).toBe(1200);
    expect(policyFor("faceid", "access_token").overlapSeconds).toBe(60);
    expect(policyFor("faceid", "sign_ticket")).toMatchObject({ overlapSeconds: 60, refreshWithParent: true });
  });

  it("Feishu refreshes once fewer than 30 minutes are left", () => {
    const at = after("feishu", "access_token", 7200);
    expect(7200 - at).toBeLessThan(1800);
    expect(7200 - at).toBeGreaterThan(600);
  });

  it("yzb keeps an old js_ticket 10 minutes", () => {
    expect(policyFor("yzb", "js_ticket").overlapSeconds).toBe(600);
  });

  it("never schedules past the lifetime, even for a short-lived token", () => {
    expect(after("faceid", "access_token", 600)).toBeLessThan(600);
    expect(after("feishu", "access_token", 1000)).toBeGreaterThan(0);
  });
});

describe("fixed-interval rhythm", () => {
  it("counts FaceID's 20 minutes from when the refresh was due, not from a late run", () => {
    const due = new Date("2026-01-01T00:20:00Z");
    const ranAt = new Date("2026-01-01T00:20:45Z");
    expect(nextRefreshAt(policyFor("faceid", "access_token"), ranAt, 7200, () => 0.5, due).toISOString()).toBe("2026-01-01T00:40:00.000Z");
  });

  it("starts FaceID's rhythm again from a refresh more than half an interval late, instead of another call minutes after it", () => {
    const due = new Date("2026-01-01T00:20:00Z");
    const policy = policyFor("faceid", "access_token");
    // 10 min late: still the old rhythm (the next one 10 min after this one).
    expect(nextRefreshAt(policy, new Date("2026-01-01T00:30:00Z"), 7200, () => 0.5, due).toISOString()).toBe("2026-01-01T00:40:00.000Z");
    // 15 min late (a stalled host): 20 min after it ran, not 6 min (5% of the lifetime).
    expect(nextRefreshAt(policy, new Date("2026-01-01T00:35:00Z"), 7200, () => 0.5, due).toISOString()).toBe("2026-01-01T00:55:00.000Z");
  });

  it("keeps fraction schedules anchored at the fetch (validity starts there)", () => {
    const due = new Date("2026-01-01T00:00:00Z");
    const ranAt = new Date("2026-01-01T00:01:00Z");
    const next = nextRefreshAt(policyFor("wechat", "jsapi_ticket"), ranAt, 7200, () => 0.5, due);
    expect((next.getTime() - ranAt.getTime()) / 1000).toBeCloseTo(4800, 0);
  });
});

describe("per-app policy overrides", () => {
  const fetchedAt = new Date("2026-01-01T00:00:00Z");
  const after = (policy: ReturnType<typeof policyFor>, expiresIn: number, r = 0.5) =>
    (nextRefreshAt(policy, fetchedAt, expiresIn, () => r).getTime() - fetchedAt.getTime()) / 1000;

  it("replace the schedule, keep the vendor's overlap and lineage", () => {
    const p = policyFor("faceid", "sign_ticket", { schedules: { sign_ticket: { everySeconds: 900 } } });
    expect(after(p, 3600)).toBe(900);
    expect(p).toMatchObject({ overlapSeconds: 60, refreshWithParent: true, description: "refresh every 15 min (app override)" });
    expect(after(policyFor("wechat", "jsapi_ticket", { schedules: { jsapi_ticket: { refreshAtFraction: 0.5 } } }), 7200)).toBe(3600);
    expect(after(policyFor("feishu", "access_token", { schedules: { access_token: { refreshWhenRemainingSeconds: 600 } } }), 7200)).toBe(6600);
  });

  it("apply a jitter in seconds", () => {
    const p = policyFor("wechat", "access_token", { schedules: { access_token: { refreshAtFraction: 0.5, jitterSeconds: 60 } } });
    expect(after(p, 7200, 0)).toBe(3540);
    expect(after(p, 7200, 1)).toBe(3660);
    expect(p.description).toBe("refresh at 50% of the lifetime (app override, ± 60 s)");
  });

  it("never stretch FaceID's 20-minute cadence, even when a stored override asks for it", () => {
    // Stored before the rule was enforced at input: clamped when read, not obeyed.
    for (const kind of ["access_token", "sign_ticket"] as const) {
      for (const o of [
        { everySeconds: 3600 },
        { refreshAtFraction: 0.9 },
        { refreshWhenRemainingSeconds: 600 },
        { everySeconds: 1200, jitterSeconds: 300 },
        { jitterSeconds: 300 },
      ]) {
        const p = policyFor("faceid", kind, { schedules: { [kind]: o } });
        expect(after(p, 7200, 1)).toBeLessThanOrEqual(1200);
        expect(p.description).toMatch(/clamped to at most every 20 min/);
      }
    }
    // Shorter is the app's choice.
    expect(after(policyFor("faceid", "access_token", { schedules: { access_token: { everySeconds: 900, jitterSeconds: 60 } } }), 7200, 1)).toBe(960);
    // Other vendors prescribe no cadence.
    expect(after(policyFor("wechat", "access_token", { schedules: { access_token: { everySeconds: 3600 } } }), 7200)).toBe(3600);
  });

  it("leave other kinds alone", () => {
    const overrides = { schedules: { jsapi_ticket: { everySeconds: 600 } } };
    expect(policyFor("wechat", "access_token", overrides)).toEqual(policyFor("wechat", "access_token"));
  });

  it("reject values outside the rules, naming the field", () => {
    const bad = policyOverridesSchema.safeParse({ schedules: { jsapi_ticket: { everySeconds: 5 } } });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues[0]!.path).toEqual(["schedules", "jsapi_ticket", "everySeconds"]);
    expect(policyOverridesSchema.safeParse({ schedules: { jsapi_ticket: { everySeconds: 600, refreshAtFraction: 0.5 } } }).success).toBe(false);
    expect(policyOverridesSchema.safeParse({ quotas: { "cgi-bin/token": 10 } }).success).toBe(false);
    expect(policyOverridesSchema.safeParse({ overlapSeconds: 600 }).success).toBe(false);
    expect(parsePolicyOverrides("not json")).toEqual({});
  });
});
