// The rolling sweep (server/sweep.ts) that the read cache and the metrics' states use as their
// safety net: every id once a period, spread evenly, never all at once.
import { describe, expect, it } from "vitest";
import { newRound, sweepStep } from "./sweep";

const ids = Array.from({ length: 100 }, (_, i) => `app${i}`);

describe("the rolling sweep", () => {
  it("hands out the ids in order, as many as the time elapsed of the period, each once", () => {
    let s = newRound(ids, 0);
    const seen: string[] = [];
    for (let at = 0; at <= 1_000; at += 100) {
      const step = sweepStep(s, () => ids, at, 1_000);
      // A tenth of the period: a tenth of the ids (none at the round's very start).
      expect(step.due).toHaveLength(at === 0 ? 0 : 10);
      seen.push(...step.due);
      s = step.sweep;
    }
    expect(seen).toEqual(ids);
  });

  it("catches up after a quiet spell at most maxPerStep at a time", () => {
    const step = sweepStep(newRound(ids, 0), () => ids, 900, 1_000, 25);
    expect(step.due).toEqual(ids.slice(0, 25));
    const next = sweepStep(step.sweep, () => ids, 901, 1_000, 25);
    expect(next.due).toEqual(ids.slice(25, 50));
  });

  it("starts the next round one period after the last began, over the ids held then", () => {
    const done = sweepStep(newRound(ids, 0), () => ids, 1_000, 1_000).sweep;
    // The round is done but its period has not passed: nothing.
    expect(sweepStep(done, () => ["new"], 999, 1_000).due).toEqual([]);
    const later = ["a", "b", "c", "d"];
    const next = sweepStep(done, () => later, 1_500, 1_000);
    // The new round began when it was due, at 1,000, over the ids given at 1,500: half of its period is gone, half of them are due.
    expect(next.due).toEqual(["a", "b"]);
    expect(next.sweep).toMatchObject({ ids: later, next: 2, startedAt: 1_000 });
    expect(sweepStep(next.sweep, () => later, 2_000, 1_000).due).toEqual(["c", "d"]);
  });

  it("reads every id within a period and a step when the steps come a period apart (a quiet dashboard's renders)", () => {
    let s = newRound(ids, 0);
    const lastSeen = new Map<string, number>();
    let longest = 0;
    for (let at = 30_000; at <= 300_000; at += 30_000) {
      const step = sweepStep(s, () => ids, at, 30_000);
      for (const id of step.due) {
        longest = Math.max(longest, at - (lastSeen.get(id) ?? 0));
        lastSeen.set(id, at);
      }
      s = step.sweep;
    }
    expect(lastSeen.size).toBe(ids.length);
    expect(longest).toBeLessThanOrEqual(30_000);
  });

  it("after a long pause, hands out at most one round at once", () => {
    const done = sweepStep(newRound(ids, 0), () => ids, 1_000, 1_000).sweep;
    const late = sweepStep(done, () => ids, 10_000, 1_000);
    expect(late.due).toEqual(ids);
    expect(late.sweep.startedAt).toBe(9_000);
  });

  it("an empty list sweeps nothing and starts again after its period", () => {
    const s = newRound([], 0);
    expect(sweepStep(s, () => [], 500, 1_000).due).toEqual([]);
    expect(sweepStep(s, () => ["x"], 1_000, 1_000).sweep.ids).toEqual(["x"]);
  });
});
