// @vitest-environment happy-dom
import { act, useState } from "react";
import { createRoot } from "react-dom/client";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { actEnvironment } from "@/test-support/react-act";
import { useSchemasWhenIdle } from "./schema-when-idle";

actEnvironment();

/** A page whose reads need `load`'s schema; `redraw` gets a way to draw it again. */
function Page({ load, redraw }: { load: () => Promise<unknown>; redraw?: (draw: () => void) => void }) {
  const [n, setN] = useState(0);
  redraw?.(() => setN((x) => x + 1));
  useSchemasWhenIdle(load as () => Promise<{ parse: (x: unknown) => unknown }>);
  return <p>{n}</p>;
}

describe("a page's schemas, loaded once the browser is idle after it mounted", () => {
  let idle: (() => void)[];
  beforeEach(() => {
    idle = [];
    vi.stubGlobal("requestIdleCallback", (cb: () => void) => idle.push(cb));
    vi.stubGlobal("cancelIdleCallback", (id: number) => {
      idle[id - 1] = () => {};
    });
  });
  afterEach(() => vi.unstubAllGlobals());
  const goIdle = async () => {
    await act(async () => {
      for (const cb of idle.splice(0)) cb();
      await Promise.resolve();
    });
  };

  /** A schema loader as a page's api/ module declares one, counting its loads. */
  const counted = () => {
    const state = { loads: 0 };
    const load = async () => {
      state.loads++;
      return { parse: (x: unknown) => x };
    };
    return { load, state };
  };

  it("a page on screen loads its schemas when idle, and not again when it draws again", async () => {
    const { load, state } = counted();
    let draw = () => {};
    const root = createRoot(document.createElement("div"));
    act(() => root.render(<Page load={load} redraw={(d) => (draw = d)} />));
    expect(state.loads).toBe(0);
    await goIdle();
    expect(state.loads).toBe(1);
    act(() => draw());
    // Drawn again, it asks for nothing more (its effect did not run again).
    expect(idle).toHaveLength(0);
    await goIdle();
    expect(state.loads).toBe(1);
    act(() => root.unmount());
  });

  it("a page left before the browser was idle loads nothing", async () => {
    const { load, state } = counted();
    const root = createRoot(document.createElement("div"));
    act(() => root.render(<Page load={load} />));
    act(() => root.unmount());
    await goIdle();
    expect(state.loads).toBe(0);
  });
});
