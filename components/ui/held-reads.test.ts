// Data that shows countdowns, read once for the tabs of one browser (held-reads.ts clockedAcrossTabs):
// two tabs played by two copies of the modules on Node's BroadcastChannel, as in shared-reads.test.ts;
// the server's answers come from a stubbed fetch, on a browser clock this test moves by hand.
import type { QueryFunction, QueryFunctionContext } from "@tanstack/react-query";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { stubBrowserTabs } from "@/test-support/browser-tabs";

type Tab = { reads: typeof import("./held-reads"); shared: typeof import("./shared-reads"); clock: typeof import("@/lib/server-clock") };
type Listed = { serverTime: string; generation: number };

const STAMPS = { credentials: "c1", apps: "a1", keys: "k1", nonces: "n1", audit: "u1", alerts: "l1" };
const iso = (ms: number) => new Date(ms).toISOString();
const schema = { parse: (x: unknown) => x as Listed };

describe("countdown data read once for the tabs of a browser", () => {
  let tabs: Tab[] = [];
  let unstub = () => {};
  /** The browser's clock (Date.now), and the server's: `offset` ms ahead, give or take `jitter`. */
  let now = 1_000_000;
  const server = { offset: 5_000, jitter: 0, roundTripMs: 2, requests: 0 };
  beforeEach(async () => {
    now = 1_000_000;
    Object.assign(server, { offset: 5_000, jitter: 0, roundTripMs: 2, requests: 0 });
    vi.spyOn(Date, "now").mockImplementation(() => now);
    unstub = stubBrowserTabs();
    vi.stubGlobal("fetch", async () => {
      server.requests++;
      // The server stamps its answer halfway through the round trip.
      const serverTime = iso(now + server.roundTripMs / 2 + server.offset + server.jitter);
      now += server.roundTripMs;
      return new Response(JSON.stringify({ serverTime, generation: server.requests }), {
        headers: { "content-type": "application/json", etag: `"${server.requests}"`, "x-server-time": serverTime },
      });
    });
    tabs = [];
    for (let i = 0; i < 2; i++) {
      vi.resetModules();
      const tab = { reads: await import("./held-reads"), shared: await import("./shared-reads"), clock: await import("@/lib/server-clock") };
      tab.shared.noteStamps(STAMPS);
      tabs.push(tab);
    }
  });
  afterEach(() => {
    unstub();
    vi.restoreAllMocks();
  });

  const ctx = () => ({ queryKey: ["credentials", "overview"], signal: new AbortController().signal, meta: undefined }) as unknown as QueryFunctionContext;
  const query = (tab: Tab) => {
    const read = tab.reads.clockedAcrossTabs(() => tab.reads.readHeldWithClock(["credentials", "overview"], "/api/credentials", schema));
    return (read as QueryFunction<Awaited<ReturnType<typeof tab.reads.readHeldWithClock<Listed>>>>)(ctx());
  };
  /** Both tabs want the data at once (a change the stream told them of); `first` asks first and reads for both. */
  const change = async (first: Tab, second: Tab) => {
    const answers = await Promise.all([query(first), query(second)]);
    await new Promise((r) => setTimeout(r, 20)); // the reading tab hands over its lock
    return answers;
  };

  it("every tab's data keeps the offset of its own clock, whichever tab read it: rows are not drawn again for a millisecond", async () => {
    const [a, b] = tabs as [Tab, Tab];
    // Each tab's earlier reads (its first page load) left it a slightly different estimate.
    a.clock.serverClock.observe(iso(now + 2 + 5_003), now, now + 4);
    b.clock.serverClock.observe(iso(now + 2 + 4_998), now, now + 4);
    now += 10_000;

    const [a1, b1] = await change(a, b);
    expect(server.requests).toBe(1);
    expect(a1.clockOffsetMs).toBe(5_000);
    expect(b1.clockOffsetMs).toBe(5_000);

    // The next change is read by the other tab, whose round trip lands a millisecond later on the
    // server's clock: within the error of either sample, it says nothing new.
    now += 30_000;
    server.jitter = 1;
    const [b2, a2] = await change(b, a);
    expect(server.requests).toBe(2);
    expect(b2.generation).toBe(2);
    expect(a2.generation).toBe(2);
    expect(a2.clockOffsetMs).toBe(5_000);
    expect(b2.clockOffsetMs).toBe(5_000);
    // It is the offset each tab's countdowns elsewhere on the page run on.
    expect(a.clock.serverClock.offsetMs).toBe(5_000);
    expect(b.clock.serverClock.offsetMs).toBe(5_000);
  });

  it("a sample another tab measured moves this tab's clock when it says something new", async () => {
    const [a, b] = tabs as [Tab, Tab];
    await change(a, b);
    // The server's clock stepped by 40 ms (an NTP correction there): far outside a 2 ms round trip's error.
    now += 30_000;
    server.offset = 5_040;
    const [a2, b2] = await change(a, b);
    expect(a2.clockOffsetMs).toBe(5_040);
    expect(b2.clockOffsetMs).toBe(5_040);
    expect(b.clock.serverClock.offsetMs).toBe(5_040);
  });
});
