import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { IDLE_TIMEOUT_MS, loadSchemasWhenIdle } from "./schema-when-idle";

/** A schema loader (as a page's api/ module declares one) that counts its loads; `fail` makes the next one fail. */
function loader() {
  const state = { loads: 0, fail: false };
  const load = async () => {
    state.loads++;
    if (state.fail) {
      state.fail = false;
      throw new Error("chunk failed to load");
    }
    return { parse: (x: unknown) => x };
  };
  return { load, state };
}

describe("schemas loaded when the browser is idle", () => {
  /** The browser's idle callbacks, run by the test when it says the browser is idle. */
  let idle: Map<number, () => void>;
  beforeEach(() => {
    idle = new Map();
    let next = 0;
    vi.stubGlobal("requestIdleCallback", (cb: () => void) => {
      idle.set(++next, cb);
      return next;
    });
    vi.stubGlobal("cancelIdleCallback", (id: number) => idle.delete(id));
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.useRealTimers();
  });
  const goIdle = async () => {
    for (const [id, cb] of [...idle]) {
      idle.delete(id);
      cb();
    }
    await new Promise((r) => setTimeout(r, 0));
  };

  it("loads nothing while the page is busy, then each loader once, however many components asked (a row each)", async () => {
    const list = loader();
    const refresh = loader();
    for (let row = 0; row < 50; row++) loadSchemasWhenIdle([list.load, refresh.load]);
    expect([list.state.loads, refresh.state.loads]).toEqual([0, 0]);
    await goIdle();
    expect([list.state.loads, refresh.state.loads]).toEqual([1, 1]);
    // A page mounted later (or the same again) finds them loaded.
    loadSchemasWhenIdle([list.load]);
    await goIdle();
    expect(list.state.loads).toBe(1);
  });

  it("a schema given as such needs no loading, and a component gone before the browser idled loads nothing", async () => {
    const list = loader();
    const cancel = loadSchemasWhenIdle([{ parse: (x: unknown) => x }, list.load]);
    cancel();
    await goIdle();
    expect(list.state.loads).toBe(0);
  });

  it("a load that failed is tried again when a page asks again (the request that needs it loads it too)", async () => {
    const list = loader();
    list.state.fail = true;
    loadSchemasWhenIdle([list.load]);
    await goIdle();
    expect(list.state.loads).toBe(1);
    loadSchemasWhenIdle([list.load]);
    await goIdle();
    expect(list.state.loads).toBe(2);
  });

  it("without requestIdleCallback (Safari) it loads after a pause instead", async () => {
    vi.unstubAllGlobals();
    vi.stubGlobal("requestIdleCallback", undefined);
    vi.useFakeTimers();
    const list = loader();
    loadSchemasWhenIdle([list.load]);
    await vi.advanceTimersByTimeAsync(IDLE_TIMEOUT_MS / 3 - 1);
    expect(list.state.loads).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(list.state.loads).toBe(1);
  });
});
