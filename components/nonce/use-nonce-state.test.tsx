// @vitest-environment happy-dom
import { act } from "react";
import { createRoot } from "react-dom/client";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { NonceState } from "./nonce-state";
import { useNonceState } from "./use-nonce-state";

beforeAll(() => {
  (globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;
});
afterEach(() => {
  vi.useRealTimers();
});

const T0 = Date.parse("2026-12-05T03:00:00.000Z");
const iso = (ms: number) => new Date(ms).toISOString();

/** Every state a row was drawn with, by ticket. */
const drawn = new Map<string, (NonceState | null)[]>();
function Row({ id, usedAt, expiresAt }: { id: string; usedAt: string | null; expiresAt: string }) {
  const state = useNonceState({ usedAt, expiresAt }, 0);
  drawn.set(id, [...(drawn.get(id) ?? []), state]);
  return <span>{state?.kind}</span>;
}

describe("useNonceState", () => {
  it("draws a live ticket every second and a used or expired one only once", async () => {
    vi.useFakeTimers({ now: T0 + 100, toFake: ["setTimeout", "clearTimeout", "Date"] });
    const root = createRoot(document.createElement("div"));
    await act(async () =>
      root.render(
        <>
          <Row id="live" usedAt={null} expiresAt={iso(T0 + 60_000)} />
          <Row id="used" usedAt={iso(T0 - 30_000)} expiresAt={iso(T0 + 90_000)} />
          <Row id="expired" usedAt={null} expiresAt={iso(T0 - 1_000)} />
        </>,
      ),
    );
    for (let s = 0; s < 5; s++) await act(async () => vi.advanceTimersByTime(1_000));
    const live = drawn.get("live")!.map((x) => (x?.kind === "live" ? x.secondsLeft : x?.kind));
    // 59 s left at the start, then one second less at each of the 5 ticks.
    expect(live).toEqual([59, 58, 57, 56, 55, 54]);
    expect(drawn.get("used")).toEqual([{ kind: "used", at: iso(T0 - 30_000) }]);
    expect(drawn.get("expired")).toEqual([{ kind: "expired", at: iso(T0 - 1_000) }]);
    act(() => root.unmount());
  });

  it("shows a live ticket as used as soon as the list says so, and stops ticking it", async () => {
    vi.useFakeTimers({ now: T0 + 100, toFake: ["setTimeout", "clearTimeout", "Date"] });
    drawn.clear();
    const root = createRoot(document.createElement("div"));
    const usedAt = iso(T0 + 1_500);
    const draw = (used: string | null) => act(async () => root.render(<Row id="marked" usedAt={used} expiresAt={iso(T0 + 60_000)} />));
    await draw(null);
    await act(async () => vi.advanceTimersByTime(1_000));
    await draw(usedAt);
    for (let s = 0; s < 3; s++) await act(async () => vi.advanceTimersByTime(1_000));
    const states = drawn.get("marked")!;
    // (The page's ticker is shared: its first reading may be the last test's, so only the end is asserted.)
    expect(states.at(-2)).toEqual({ kind: "live", secondsLeft: 58 });
    // Used from the render that said so, and drawn once for it: no tick after it draws the row again.
    expect(states.at(-1)).toEqual({ kind: "used", at: usedAt });
    expect(states.filter((x) => x?.kind === "used")).toHaveLength(1);
    act(() => root.unmount());
  });
});
