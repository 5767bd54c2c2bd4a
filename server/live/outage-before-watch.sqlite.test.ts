// A change stream first opened while the database is already down (a page opened, then the
// database stopped before its stream connected) still says when what the pages show was last
// confirmed: the read cache's last confirmation, not "nothing confirmed". And a first stamp read
// that hangs is an outage after UNREACHABLE_AFTER_MS, as a later one is. Its own file: the watch
// and the read cache start once per process.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startHarness, type Harness } from "@/test-support/engine-harness";

describe("a watch begun during a database outage (SQLite)", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness("sqlite");
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  it("names the read cache's last confirmation, both when the first read hangs and when it fails", async () => {
    const { getDb } = await import("@/server/db");
    const { startReadCache } = await import("../fast/read-cache");
    const { lastConfirmedAt } = await import("../fast/cache-store");
    const { watchChanges, databaseOutage, readChangesNow } = await import("./changes");
    startReadCache(250);
    await vi.waitFor(() => expect(lastConfirmedAt()).not.toBeNull(), { timeout: 10_000 });

    // The database stops answering: every query hangs (a paused server).
    const hang = vi.spyOn(getDb(), "$queryRawUnsafe").mockImplementation(() => new Promise(() => {}) as never);
    const watchedAt = Date.now();
    void watchChanges();
    expect(databaseOutage()).toBeNull(); // nothing to say yet: its first read has just begun
    // Said once that read is 3 s overdue (six polls), with the cache's confirmation.
    await vi.waitFor(() => expect(databaseOutage()).not.toBeNull(), { timeout: 10_000, interval: 100 });
    expect(Date.now() - watchedAt).toBeGreaterThanOrEqual(3_000);
    // (A poll under way when the queries began to hang has ended by now: this is the last one.)
    const confirmed = lastConfirmedAt()!.toISOString();
    expect(databaseOutage()).toEqual({ since: confirmed, confirmedAt: confirmed });

    // Then the reads fail outright: still the same confirmation.
    hang.mockRejectedValue(Object.assign(new Error("Can't reach database server at 127.0.0.1:5432"), { code: "P1001" }));
    await readChangesNow();
    expect(databaseOutage()?.confirmedAt).toBe(confirmed);

    hang.mockRestore();
    await readChangesNow();
    expect(databaseOutage()).toBeNull();
  }, 30_000);
});
