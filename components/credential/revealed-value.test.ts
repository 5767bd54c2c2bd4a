import { describe, expect, it } from "vitest";
import { maskValue } from "@/lib/mask";
import { REVEAL_MS, type Revealed, revealState } from "./revealed-value";

const gen1 = "ticket-generation-one-0000000001";
const gen2 = "ticket-generation-two-0000000002";
const t0 = 1_700_000_000_000;
const revealed: Revealed = { value: gen1, generation: 1, versionId: "v1", at: t0 };

describe("a revealed value", () => {
  it("shows while it is the value on screen, counting down the seconds until it hides", () => {
    expect(revealState(revealed, { masked: maskValue(gen1), versionId: "v1" }, t0)).toEqual({ state: "shown", value: gen1, hidesInSeconds: 30 });
    expect(revealState(revealed, { masked: maskValue(gen1), versionId: "v1" }, t0 + 25_400)).toEqual({ state: "shown", value: gen1, hidesInSeconds: 5 });
  });

  it("hides itself once its 30 s are up", () => {
    expect(revealState(revealed, { masked: maskValue(gen1), versionId: "v1" }, t0 + REVEAL_MS - 1)).toMatchObject({ state: "shown", hidesInSeconds: 1 });
    expect(revealState(revealed, { masked: maskValue(gen1), versionId: "v1" }, t0 + REVEAL_MS)).toEqual({ state: "timed-out" });
  });

  it("is replaced, not shown, as soon as the page shows another generation", () => {
    // The list moved on first (the masked value and header changed), the history has not yet.
    expect(revealState(revealed, { masked: maskValue(gen2), versionId: "v1" }, t0 + 1_000)).toEqual({ state: "replaced", generation: 1 });
    // The history moved on (another version id) while the masked text happens to look alike.
    expect(revealState(revealed, { masked: maskValue(gen1), versionId: "v2" }, t0 + 1_000)).toEqual({ state: "replaced", generation: 1 });
  });

  it("stays shown when the version id only becomes known after the reveal", () => {
    const early: Revealed = { ...revealed, versionId: undefined };
    expect(revealState(early, { masked: maskValue(gen1), versionId: "v1" }, t0)).toMatchObject({ state: "shown" });
  });

  it("is masked when nothing was revealed", () => {
    expect(revealState(null, { masked: maskValue(gen1), versionId: "v1" }, t0)).toEqual({ state: "masked" });
  });
});
