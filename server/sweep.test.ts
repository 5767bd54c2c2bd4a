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
    // A new round began at 1,500 over the ids given then; none is due at its very start.
    expect(next.sweep).toMatchObject({ ids: later, next: 0, startedAt: 1_500 });
    expect(sweepStep(next.sweep, () => later, 2_000, 1_000).due).toEqual(["a", "b"]);
  });

  it("an empty list sweeps nothing and starts again after its period", () => {
    const s = newRound([], 0);
    expect(sweepStep(s, () => [], 500, 1_000).due).toEqual([]);
    expect(sweepStep(s, () => ["x"], 1_000, 1_000).sweep.ids).toEqual(["x"]);
  });
});
