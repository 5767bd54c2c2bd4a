import { describe, expect, it } from "vitest";
import { timeToImpact, type ImpactInput } from "./time-to-impact";

const now = new Date("2026-11-30T08:00:00Z");
const at = (minutes: number) => new Date(now.getTime() + minutes * 60_000);
const base: ImpactInput = { now, expiresAt: at(110), failing: false, lastErrorClass: null, nextRefreshAt: at(40), quota: null, lease: null };

describe("timeToImpact", () => {
  it("a healthy value: refresh possible now, not at risk", () => {
    expect(timeToImpact(base)).toMatchObject({ breaksAt: at(110), refreshPossibleAt: now, atRisk: false, state: "ok" });
  });

  it("one transient failure with 1 h 50 m left is 'retrying', not failing", () => {
    const i = timeToImpact({ ...base, failing: true, lastErrorClass: "busy", nextRefreshAt: at(3) });
    expect(i).toMatchObject({ refreshPossibleAt: at(3), atRisk: false, state: "retrying" });
  });

  it("45009: the jsapi ticket breaks in 1 h 59 m, the quota resets in 5 h 55 m: at risk and failing", () => {
    const reset = at(355);
    const i = timeToImpact({
      ...base,
      expiresAt: at(119),
      failing: true,
      lastErrorClass: "quota-exhausted",
      nextRefreshAt: reset,
      quota: { exhausted: true, resetsAt: reset },
    });
    expect(i).toMatchObject({ breaksAt: at(119), refreshPossibleAt: reset, atRisk: true, state: "failing" });
    expect(i.blockedBy).toMatch(/quota/);
  });

  it("a sibling paused by the quota (not failing itself) is at risk too", () => {
    const i = timeToImpact({ ...base, expiresAt: at(60), quota: { exhausted: true, resetsAt: at(300) } });
    expect(i).toMatchObject({ atRisk: true, state: "at-risk", refreshPossibleAt: at(300) });
  });

  it("an exhausted quota that resets before the value dies is no risk", () => {
    expect(timeToImpact({ ...base, quota: { exhausted: true, resetsAt: at(30) } })).toMatchObject({ atRisk: false, state: "ok" });
  });

  it("bad configuration: no refresh can succeed, at risk whatever the value's life", () => {
    const i = timeToImpact({ ...base, expiresAt: at(600), failing: true, lastErrorClass: "bad-config", nextRefreshAt: null });
    expect(i).toMatchObject({ refreshPossibleAt: null, atRisk: true, state: "failing" });
  });

  it("no value and failing: broken now, first in the attention rank", () => {
    const broken = timeToImpact({ ...base, expiresAt: null, failing: true, lastErrorClass: "bad-config", nextRefreshAt: null });
    expect(broken).toMatchObject({ atRisk: true, state: "broken", attention: 0 });
    const retrying = timeToImpact({ ...base, failing: true, lastErrorClass: "network", nextRefreshAt: at(1) });
    expect(broken.attention).toBeLessThan(timeToImpact({ ...base, expiresAt: at(5), quota: { exhausted: true, resetsAt: at(60) } }).attention);
    expect(retrying.attention).toBeGreaterThan(timeToImpact({ ...base, expiresAt: at(5), quota: { exhausted: true, resetsAt: at(60) } }).attention);
  });

  it("a backoff that outlasts the value makes it at risk", () => {
    expect(timeToImpact({ ...base, expiresAt: at(2), failing: true, lastErrorClass: "network", nextRefreshAt: at(5) })).toMatchObject({
      atRisk: true,
      state: "failing",
    });
  });

  it("no value yet and nothing failing is pending, not at risk", () => {
    expect(timeToImpact({ ...base, expiresAt: null })).toMatchObject({ atRisk: false, state: "pending" });
  });
});
