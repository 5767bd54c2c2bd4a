import { describe, expect, it } from "vitest";
import { credentialView } from "@/test-support/credential-view";
import type { CredentialView } from "./credential-view";
import { healthChangesAt, healthOf } from "./health";

const NOW = Date.parse("2026-11-22T08:00:00.400Z");
const at = (s: number) => new Date(NOW + s * 1000).toISOString();

const cred = (over: Partial<CredentialView> = {}) => credentialView(at, over);

/**
 * Walks the clock from NOW to `untilS` seconds later in 100 ms steps (and 1 ms either side of each
 * second, where floored seconds flip): the health never changes before the moment healthChangesAt
 * announced; `changes` counts the announced moments where it did change (so the walk checks something).
 */
function walk(c: CredentialView, untilS: number): { changes: number; announced: number } {
  let health = healthOf(c, NOW, 0);
  let next = healthChangesAt(c, NOW);
  let changes = 0;
  let announced = 0;
  const stops = new Set<number>();
  for (let t = NOW; t <= NOW + untilS * 1000; t += 100) stops.add(t);
  // Whole seconds before the fixture's times, where the floored seconds flip: and 1 ms either side.
  for (let t = NOW; t <= NOW + untilS * 1000; t += 1000) for (const d of [-1, 1]) stops.add(t + d);
  for (const t of [...stops].sort((a, b) => a - b)) {
    while (t > next) {
      // Past the announced moment: a new reading, a new announcement.
      announced++;
      const from = next + 1;
      const after = healthOf(c, from, 0);
      if (after !== health) changes++;
      health = after;
      next = healthChangesAt(c, from);
    }
    expect({ at: t - NOW, health: healthOf(c, t, 0) }).toEqual({ at: t - NOW, health });
  }
  return { changes, announced };
}

describe("healthChangesAt: how long a health reading holds by time alone", () => {
  it("holds a healthy credential until its refresh is overdue, then until it expires (every step checked)", () => {
    const { changes } = walk(cred(), 7200);
    expect(changes).toBeGreaterThanOrEqual(3); // refresh-due, expiring, expired
  });

  it("announces the end of an overlap window and of the expiring window of a short-lived value", () => {
    const short = cred({
      current: { maskedValue: "x", fetchedAt: at(-10), expiresIn: 600, expiresAt: at(590), vendorExpireTime: null },
      previous: { maskedValue: "y", validUntil: at(30) },
      nextRefreshAt: null,
    });
    expect(healthOf(short, NOW, 0)).toBe("in-overlap");
    expect(healthChangesAt(short, NOW)).toBe(Date.parse(at(29)));
    expect(walk(short, 600).changes).toBeGreaterThanOrEqual(3); // healthy, expiring, expired
  });

  it("ignores the expiring window and the overdue refresh while a refresh runs", () => {
    const running = cred({ refreshing: true, nextRefreshAt: at(-100) });
    expect(healthChangesAt(running, NOW)).toBe(Date.parse(at(7099)));
  });

  it("never changes a broken credential or one without a value by time alone", () => {
    expect(healthChangesAt(cred({ impact: { ...cred().impact, state: "broken" } }), NOW)).toBe(Number.POSITIVE_INFINITY);
    expect(healthChangesAt(cred({ current: null }), NOW)).toBe(Number.POSITIVE_INFINITY);
  });
});
