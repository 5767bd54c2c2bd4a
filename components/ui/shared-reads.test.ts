// Tabs of one browser sharing their reads (shared-reads.ts), played by two copies of the module (two
// tabs) on Node's BroadcastChannel and a Web Locks manager that grants each name in turn, as a
// browser does. A "read" counts the requests a tab would send to the server.
import type { QueryFunction, QueryFunctionContext } from "@tanstack/react-query";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { stubBrowserTabs } from "@/test-support/browser-tabs";

type Tab = typeof import("./shared-reads");

const STAMPS = { credentials: "c1", apps: "a1", keys: "k1", nonces: "n1", audit: "u1", alerts: "l1" };
const ctx = () => ({ queryKey: ["credentials", "list"], signal: new AbortController().signal, meta: undefined }) as unknown as QueryFunctionContext;

/** A server answer after `ms`; `reads` counts them. */
function server(ms = 30) {
  const state = { reads: 0, generation: 1, fail: false, inFlight: 0, maxInFlight: 0 };
  const read = async () => {
    state.reads++;
    state.maxInFlight = Math.max(state.maxInFlight, ++state.inFlight);
    const generation = state.generation;
    try {
      await new Promise((r) => setTimeout(r, ms));
      if (state.fail) throw new Error("Ticket Hub did not answer");
      return { generation };
    } finally {
      state.inFlight--;
    }
  };
  return { state, read };
}

describe("tabs of one browser share their reads", () => {
  let tabs: Tab[] = [];
  let unstub = () => {};
  beforeEach(async () => {
    unstub = stubBrowserTabs();
    tabs = [];
    for (let i = 0; i < 3; i++) {
      vi.resetModules();
      const tab = await import("./shared-reads");
      tab.noteStamps(STAMPS);
      tabs.push(tab);
    }
  });
  afterEach(() => {
    unstub();
  });

  const query = <T>(tab: Tab, read: () => Promise<T>, holds?: (data: T) => boolean) =>
    (tab.acrossTabs(read as QueryFunction<T>, holds) as (c: QueryFunctionContext) => Promise<T>)(ctx());
  /** The tabs read once together (one request), so each holds the shared answer. */
  const bothRead = async (read: () => Promise<unknown>) => {
    await Promise.all(tabs.map((tab) => query(tab, read)));
    await new Promise((r) => setTimeout(r, 20)); // the answer crosses to the other tab
  };

  it("two tabs that want the same data at once ask the server once and both get the answer", async () => {
    const { state, read } = server();
    const [a, b] = await Promise.all([query(tabs[0]!, read), query(tabs[1]!, read)]);
    expect(a).toEqual({ generation: 1 });
    expect(b).toEqual({ generation: 1 });
    expect(state.reads).toBe(1);
    // A moment later (an idle tab's safety refetch) the shared answer still serves.
    expect(await query(tabs[1]!, read)).toEqual({ generation: 1 });
    expect(state.reads).toBe(1);
  });

  it("in a browser without AbortSignal.any each tab asks itself (no error)", async () => {
    vi.stubGlobal("AbortSignal", { ...AbortSignal, any: undefined });
    const { state, read } = server();
    const [a, b] = await Promise.all([query(tabs[0]!, read), query(tabs[1]!, read)]);
    expect(a).toEqual({ generation: 1 });
    expect(b).toEqual({ generation: 1 });
    expect(state.reads).toBe(2);
  });

  it("a tab that heard of a change the shared answer predates asks itself, and shows the change", async () => {
    const { state, read } = server();
    await bothRead(read);
    state.generation = 2;
    tabs[1]!.noteStamps({ ...STAMPS, credentials: "c2" });
    expect(await query(tabs[1]!, read)).toEqual({ generation: 2 });
    expect(state.reads).toBe(2);
  });

  it("a tab whose write was answered after the shared answer was asked for reads its own change", async () => {
    const { state, read } = server();
    await bothRead(read);
    // Tab 1 refreshes a credential (the stream has not told anyone yet), then refetches.
    state.generation = 2;
    tabs[1]!.noteWrite();
    expect(await query(tabs[1]!, read)).toEqual({ generation: 2 });
    expect(state.reads).toBe(2);
  });

  it("once the database answers again, what was read during the outage does not serve", async () => {
    const { state, read } = server();
    for (const tab of tabs) tab.noteDatabaseDown("2026-12-01T05:00:00.000Z");
    await bothRead(read);
    tabs[1]!.noteDatabaseDown(null);
    state.generation = 2;
    expect(await query(tabs[1]!, read)).toEqual({ generation: 2 });
    expect(state.reads).toBe(2);
  });

  it("an answer that no longer holds by time (a health moved, a silence ended) is asked for again", async () => {
    const { state, read } = server();
    let validUntil = Date.now() + 60_000;
    const holds = () => Date.now() < validUntil;
    await Promise.all(tabs.map((tab) => query(tab, read, holds)));
    await new Promise((r) => setTimeout(r, 20));
    validUntil = Date.now() - 1;
    state.generation = 2;
    expect(await query(tabs[1]!, read, holds)).toEqual({ generation: 2 });
    expect(state.reads).toBe(2);
  });

  it("when the server fails the tab that reads, the waiting tabs ask at once, not one after another", async () => {
    const { state, read } = server(200);
    state.fail = true;
    const outcomes = await Promise.all(tabs.map((tab) => query(tab, read).catch((e: Error) => e)));
    for (const o of outcomes) expect(o).toBeInstanceOf(Error);
    expect(state.reads).toBe(3);
    // The first reader, then the other two together (a server that hangs costs one timeout more, not one per tab).
    expect(state.maxInFlight).toBe(2);
  });
});
