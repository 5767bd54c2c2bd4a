import { describe, expect, it } from "vitest";
import { clockState, dbWallMs, syncClock } from "./clock";

describe("the database's clock", () => {
  it("is this host's clock plus the offset measured against the database, from the fastest round trip", async () => {
    const dbAhead = 90_000;
    let call = 0;
    // The third sample is slow (a loaded machine): the fast ones decide.
    await syncClock(async () => {
      call++;
      if (call === 3) await new Promise((r) => setTimeout(r, 50));
      return Date.now() + dbAhead;
    });
    expect(Math.abs(clockState().dbOffsetMs - dbAhead)).toBeLessThan(25);
    expect(Math.abs(dbWallMs() - (Date.now() + dbAhead))).toBeLessThan(25);
  });

  it("keeps the last offset when the database cannot be read", async () => {
    const before = clockState().dbOffsetMs;
    await syncClock(async () => Number.NaN);
    expect(clockState().dbOffsetMs).toBe(before);
  });
});
