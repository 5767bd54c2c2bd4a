// The scheduler sleeps until the earliest planned refresh instead of scanning every tick: with nothing
// due it asks nothing, and a refresh moved earlier by a change runs at its new time.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "@/test-support/engine-harness";

describe("scheduler keyed by next-refresh time (SQLite)", () => {
  let h: Harness;
  let db: import("@/server/db").Db;
  let scheduler: typeof import("./scheduler");
  const farAway = new Date(Date.now() + 86_400_000);
  const ticket = () => db.credential.findFirstOrThrow({ where: { kind: "jsapi_ticket", app: { appId: "wx000000000000demo" } } });

  beforeAll(async () => {
    h = await startHarness("sqlite");
    db = (await import("@/server/db")).getDb();
    scheduler = await import("./scheduler");
    await db.credential.updateMany({ data: { nextRefreshAt: farAway } });
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  it("asks nothing while nothing is due, and refreshes a credential moved earlier at its new time", async () => {
    scheduler.startScheduler();
    // As the read cache does on every stamp it reads: from now on the scheduler is told about changes.
    scheduler.wakeScheduler();
    await new Promise((r) => setTimeout(r, 300));
    const idle = scheduler.schedulerQueries();
    await new Promise((r) => setTimeout(r, 2_000));
    // A scheduler polling every tick would have asked several times (the old one: 2 queries per 500 ms).
    expect(scheduler.schedulerQueries() - idle).toBe(0);

    const plannedAt = Date.now() + 1_500;
    await db.credential.update({ where: { id: (await ticket()).id }, data: { nextRefreshAt: new Date(plannedAt) } });
    scheduler.wakeScheduler();
    const asked = scheduler.schedulerQueries();
    await expect.poll(async () => (await ticket()).generation, { timeout: 20_000, interval: 100 }).toBe(1);
    const fetched = await db.credentialVersion.findFirstOrThrow({ where: { credentialId: (await ticket()).id } });
    // Not before its time (the scheduler slept until then, no tick found it early)…
    expect(fetched.fetchedAt.getTime()).toBeGreaterThanOrEqual(plannedAt);
    // …and with a handful of queries: one pass on the wake, one at the planned time, one after the refresh.
    expect(scheduler.schedulerQueries() - asked).toBeLessThanOrEqual(10);
    expect((await ticket()).nextRefreshAt!.getTime()).toBeGreaterThan(Date.now() + 600_000);
  });
});
