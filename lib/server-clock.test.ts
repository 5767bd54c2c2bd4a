import { describe, expect, it } from "vitest";
import { ServerClock } from "./server-clock";

const iso = (ms: number) => new Date(ms).toISOString();

describe("ServerClock", () => {
  it("measures the offset at the midpoint of the request", () => {
    const clock = new ServerClock();
    // Browser clock 5 s behind the server; 100 ms round trip.
    expect(clock.observe(iso(1_000_050 + 5_000), 1_000_000, 1_000_100)).toBe(5_000);
  });

  it("keeps the estimate of the fastest round trip, so one slow response does not shift countdowns", () => {
    const clock = new ServerClock();
    clock.observe(iso(10_000 + 20 + 5_000), 10_000, 10_040); // 40 ms round trip, exact
    // A response that took 1.8 s to arrive, stamped early in its trip: its midpoint estimate is 900 ms off.
    const after = clock.observe(iso(20_000 + 5_000), 20_000, 21_800);
    expect(after).toBe(5_000);
  });

  it("forgets old samples so a server clock change is picked up", () => {
    const clock = new ServerClock(3);
    clock.observe(iso(1_005), 1_000, 1_010);
    for (let i = 1; i <= 3; i++) clock.observe(iso(i * 10_000 + 50 + 60_000), i * 10_000, i * 10_000 + 100);
    expect(clock.offsetMs).toBe(60_000);
  });

  it("holds its offset while new samples agree with it within their error, and moves when one does not", () => {
    const clock = new ServerClock();
    // Loopback: 2 ms round trips whose midpoints differ by a millisecond either way.
    expect(clock.observe(iso(1_000 + 1 + 5_000), 1_000, 1_002)).toBe(5_000);
    expect(clock.observe(iso(2_000 + 1 + 5_001), 2_000, 2_002)).toBe(5_000);
    expect(clock.observe(iso(3_000 + 1 + 4_999), 3_000, 3_002)).toBe(5_000);
    // The server's clock stepped by 30 ms: outside any sample's error, so the offset follows.
    expect(clock.observe(iso(4_000 + 1 + 5_030), 4_000, 4_002)).toBe(5_030);
  });

  it("counts a request's sample once when it is observed again (a read shared with other tabs)", () => {
    const clock = new ServerClock(2);
    clock.observe(iso(1_000 + 1 + 5_000), 1_000, 1_002); // fast, exact
    const slow = [iso(2_000 + 900 + 5_000), 2_000, 2_400] as const; // 400 ms round trip, 500 ms off
    clock.observe(...slow);
    // Observed where it was read and again where it is used: the fast sample is still among the last two.
    expect(clock.observe(...slow)).toBe(5_000);
  });

  it("counts a sample once when it comes again after others (an answer another tab read, kept and used again)", () => {
    const clock = new ServerClock(3);
    clock.observe(iso(1_000 + 1 + 5_000), 1_000, 1_002); // fast, exact
    const slow = [iso(2_000 + 900 + 5_000), 2_000, 2_400] as const;
    clock.observe(...slow);
    clock.observe(iso(3_000 + 950 + 5_000), 3_000, 3_500); // another slow one
    expect(clock.observe(...slow)).toBe(5_000);
  });

  it("ignores unparsable server times", () => {
    const clock = new ServerClock();
    expect(clock.observe("not a date", 0, 10)).toBe(0);
  });
});
