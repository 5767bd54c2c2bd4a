// /api/health names what it cannot see by asking the database: a history retention run that failed
// (a warning: it never changes the status a load balancer acts on) and, behind a read plane, a Next
// server that stopped answering (degraded: no scheduled refresh runs on this instance).
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startHarness, type Harness } from "@/test-support/engine-harness";

describe("health: retention failures and a silent Next server (SQLite)", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness("sqlite");
  }, 120_000);
  afterAll(async () => {
    vi.restoreAllMocks();
    await h?.close();
  });

  it("a failed retention run is a warning with its reason until a run succeeds; the status stays what it was", async () => {
    const db = (await import("@/server/db")).getDb();
    const { checkHealth } = await import("./check-health");
    const state = await import("./instance-state");
    const before = await checkHealth();
    expect(before.warnings).toEqual([]);

    // A vendor call older than the retention, for the run to delete.
    const old = new Date(Date.now() - 40 * 86_400_000);
    await db.upstreamCall.create({
      data: { vendor: "wechat", endpoint: "/cgi-bin/token", method: "GET", day: "2000-01-01", startedAt: old, latencyMs: 1 },
    });
    vi.spyOn(db.upstreamCall, "deleteMany").mockRejectedValue(
      new Error("Invalid invocation:\n\nThe query parameter limit supported by your database is exceeded: 32766."),
    );
    // The scheduler's first pass prunes (then hourly).
    const scheduler = await import("@/server/tickets/scheduler");
    scheduler.startScheduler();
    await expect.poll(() => state.retentionFailure(), { timeout: 20_000, interval: 50 }).not.toBeNull();

    const during = await checkHealth();
    expect(during.status).toBe(before.status);
    expect(during.problems).toEqual(before.problems);
    expect(during.warnings).toHaveLength(1);
    expect(during.warnings[0]).toMatch(
      /^history retention failing since \d{4}-\d\d-\d\dT.* \(last tried .*\): The query parameter limit supported by your database is exceeded: 32766\.;/,
    );

    // A later run that succeeds clears it (the scheduler's next hourly run says so the same way).
    state.retentionRan();
    expect((await checkHealth()).warnings).toEqual([]);
  });

  it("a watched process silent for more than 5 s makes the instance degraded, naming it; a word from it makes it ok again", async () => {
    const { checkHealth } = await import("./check-health");
    const state = await import("./instance-state");
    const status = (await checkHealth()).status;
    // Whole milliseconds: (t0 + 5,000) - t0 is exactly 5,000 (with a fraction it may come out 5,000.000000000001, "more than 5 s").
    const t0 = Math.round(performance.now());
    state.watchPeer("Next server", t0);
    expect(state.silentPeer(t0 + state.PEER_SILENT_MS)).toBeNull();
    // Heard 6 s ago and not since.
    state.watchPeer("Next server", performance.now() - 6_000);
    const hung = await checkHealth();
    expect(hung.status).toBe(status === "down" ? "down" : "degraded");
    expect(hung.problems.join(" ")).toMatch(/the Next server has not answered for 6 s \(hung or overloaded\): consumer reads and the proxy are served/);

    state.peerHeard();
    const back = await checkHealth();
    expect(back.status).toBe(status);
    expect(back.problems.join(" ")).not.toContain("Next server");
  });
});
