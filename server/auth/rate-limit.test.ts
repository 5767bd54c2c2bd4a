import { describe, expect, it } from "vitest";
import { RateLimiter } from "./rate-limit";

describe("RateLimiter", () => {
  it("lets `limit` hits through per window, then says how long to wait", () => {
    let t = 1_000_000;
    const l = new RateLimiter(3, 60_000, () => t);
    expect([l.hit("a"), l.hit("a"), l.hit("a")]).toEqual([null, null, null]);
    expect(l.hit("a")).toEqual({ retryAfterSeconds: 60 });
    t += 45_000;
    expect(l.hit("a")).toEqual({ retryAfterSeconds: 15 });
    expect(l.hit("b")).toBeNull();
    t += 15_000;
    expect(l.hit("a")).toBeNull();
  });

  it("says whether a key is blocked without counting a hit", () => {
    const l = new RateLimiter(2, 60_000, () => 0);
    expect(l.blocked("k")).toBeNull();
    l.hit("k");
    expect(l.blocked("k")).toBeNull();
    l.hit("k");
    expect(l.blocked("k")).toEqual({ retryAfterSeconds: 60 });
    expect(l.blocked("other")).toBeNull();
  });

  it("forgets a key on reset", () => {
    const l = new RateLimiter(1, 60_000, () => 0);
    l.hit("k");
    expect(l.hit("k")).not.toBeNull();
    l.reset("k");
    expect(l.hit("k")).toBeNull();
  });

  it("a reservation counts at once, refuses over the limit without counting, and is given back only in its own window", () => {
    let t = 0;
    const l = new RateLimiter(2, 60_000, () => t);
    const first = l.reserve("k");
    const second = l.reserve("k");
    expect("giveBack" in first && "giveBack" in second).toBe(true);
    expect(l.reserve("k")).toEqual({ retryAfterSeconds: 60 });
    // The second was not used: one more fits.
    if ("giveBack" in second) second.giveBack();
    expect("giveBack" in l.reserve("k")).toBe(true);
    expect(l.blocked("k")).not.toBeNull();
    // Given back after its window ended: the new window's count stays.
    t = 61_000;
    l.reserve("k");
    l.reserve("k");
    if ("giveBack" in first) first.giveBack();
    expect(l.blocked("k")).not.toBeNull();
  });
});
