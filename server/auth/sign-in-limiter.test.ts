import { describe, expect, it } from "vitest";
import { SIGN_IN_POLICY as P, SignInLimiter } from "./sign-in-limiter";

/** A limiter on simulated time: `advance(ms)` moves its clock. */
function limiter() {
  let t = 1_700_000_000_000;
  const l = new SignInLimiter(P, () => t);
  return { l, advance: (ms: number) => void (t += ms) };
}

const delayAfter = (failures: number) => Math.min(P.maxDelayMs, P.baseDelayMs * 2 ** (failures - P.freeFailures));

describe("SignInLimiter", () => {
  it("gives an address + username its free failures, then a wait that doubles up to the cap", () => {
    const { l, advance } = limiter();
    for (let i = 0; i < P.freeFailures - 1; i++) {
      expect(l.admit("10.0.0.1", "alice")).toBeNull();
      l.fail("10.0.0.1", "alice");
    }
    expect(l.admit("10.0.0.1", "alice")).toBeNull();
    const waits: number[] = [];
    for (let n = P.freeFailures; n < P.freeFailures + 12; n++) {
      l.fail("10.0.0.1", "alice");
      const refused = l.admit("10.0.0.1", "alice");
      expect(refused?.reason).toBe("pair-delay");
      waits.push(refused!.retryAfterSeconds);
      // One millisecond before the wait is over: still refused; at the end: admitted.
      advance(delayAfter(n) - 1);
      expect(l.admit("10.0.0.1", "alice")?.reason).toBe("pair-delay");
      advance(1);
      expect(l.admit("10.0.0.1", "alice")).toBeNull();
      // Stay under the per-address attempt rate: these tests are about the delay.
      advance(P.attemptsPerAddress.windowMs);
    }
    expect(waits).toEqual(Array.from({ length: 12 }, (_, i) => delayAfter(P.freeFailures + i) / 1000));
    expect(waits[1]).toBe(2 * waits[0]!);
    expect(Math.max(...waits)).toBe(P.maxDelayMs / 1000);
  });

  it("never refuses the same username from an address that is not failing, however many others fail", () => {
    const { l } = limiter();
    for (let i = 0; i < 500; i++) {
      const address = `198.51.${i >> 8}.${i & 255}`;
      for (let k = 0; k < P.freeFailures + 1; k++) {
        if (l.admit(address, "admin") === null) l.fail(address, "admin");
      }
    }
    expect(l.admit("203.0.113.7", "admin")).toBeNull();
    l.succeed("203.0.113.7", "admin");
    // ... and the attackers stay slowed down.
    expect(l.admit("198.51.0.0", "admin")?.reason).toBe("pair-delay");
  });

  it("a right password resets only its own pair", () => {
    const { l, advance } = limiter();
    for (let i = 0; i < P.freeFailures; i++) l.fail("10.0.0.1", "bob");
    advance(P.baseDelayMs);
    expect(l.admit("10.0.0.1", "bob")).toBeNull();
    l.succeed("10.0.0.1", "bob");
    l.fail("10.0.0.1", "bob");
    expect(l.admit("10.0.0.1", "bob")).toBeNull();
  });

  it("forgets a pair after a quiet hour", () => {
    const { l, advance } = limiter();
    for (let i = 0; i < P.freeFailures + 8; i++) l.fail("10.0.0.1", "bob");
    expect(l.admit("10.0.0.1", "bob")?.retryAfterSeconds).toBe(delayAfter(P.freeFailures + 8) / 1000);
    advance(P.forgetAfterMs);
    expect(l.admit("10.0.0.1", "bob")).toBeNull();
    l.fail("10.0.0.1", "bob");
    expect(l.admit("10.0.0.1", "bob")).toBeNull();
  });

  it("caps failures per address across usernames (password spraying), for that address only", () => {
    const { l, advance } = limiter();
    for (let i = 0; i < P.failuresPerAddress.limit; i++) {
      if (i % P.attemptsPerAddress.limit === 0) advance(P.attemptsPerAddress.windowMs);
      expect(l.admit("10.0.0.9", `user${i}`)).toBeNull();
      l.fail("10.0.0.9", `user${i}`);
    }
    const refused = l.admit("10.0.0.9", "someone-new");
    expect(refused?.reason).toBe("address-failures");
    const elapsed = Math.ceil(P.failuresPerAddress.limit / P.attemptsPerAddress.limit) * P.attemptsPerAddress.windowMs;
    expect(refused!.retryAfterSeconds).toBe((P.failuresPerAddress.windowMs - (elapsed - P.attemptsPerAddress.windowMs)) / 1000);
    expect(l.admit("10.0.0.10", "someone-new")).toBeNull();
    advance(P.failuresPerAddress.windowMs);
    expect(l.admit("10.0.0.9", "someone-new")).toBeNull();
  });

  it("limits attempts per address, right or wrong, before any hashing", () => {
    const { l, advance } = limiter();
    for (let i = 0; i < P.attemptsPerAddress.limit; i++) {
      expect(l.admit("10.0.0.3", "carol")).toBeNull();
      l.succeed("10.0.0.3", "carol");
    }
    const refused = l.admit("10.0.0.3", "carol");
    expect(refused).toEqual({ reason: "address-rate", retryAfterSeconds: P.attemptsPerAddress.windowMs / 1000 });
    expect(l.admit("10.0.0.4", "carol")).toBeNull();
    advance(P.attemptsPerAddress.windowMs);
    expect(l.admit("10.0.0.3", "carol")).toBeNull();
  });

  it("reports an attack on a username once per window, when enough addresses fail for it", () => {
    const { l, advance } = limiter();
    const reports = [];
    for (let i = 0; i < 3 * P.attack.addresses; i++) {
      const r = l.fail(`192.0.2.${i}`, "admin");
      if (r) reports.push({ at: i, ...r });
    }
    expect(reports).toEqual([
      { at: P.attack.addresses - 1, username: "admin", addresses: P.attack.addresses, failures: P.attack.addresses, windowMinutes: P.attack.windowMs / 60_000 },
    ]);
    // Many failures from a few addresses are the pair limit's business, not an attack report.
    for (let i = 0; i < 50; i++) expect(l.fail(`192.0.2.${i % 3}`, "bob")).toBeNull();
    advance(P.attack.windowMs);
    let again = null;
    for (let i = 0; i < P.attack.addresses && !again; i++) again = l.fail(`203.0.113.${i}`, "admin");
    expect(again).toMatchObject({ username: "admin", addresses: P.attack.addresses });
  });

  it("keeps its tables bounded when addresses are made up", () => {
    const small = { ...P, maxEntries: 100 };
    const l = new SignInLimiter(small, () => 0);
    for (let i = 0; i < 1_000; i++) l.fail(`a${i}`, `u${i}`);
    const inner = l as unknown as { pairs: Map<string, unknown>; targets: Map<string, unknown> };
    expect(inner.pairs.size).toBe(100);
    expect(inner.targets.size).toBe(100);
  });
});
