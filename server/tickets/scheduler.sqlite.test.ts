// The scheduler sleeps until the earliest planned refresh instead of scanning every tick: with nothing
// due it asks nothing, a refresh moved earlier by a change runs at its new time, and refreshes planned
// for the same moment all start then (none waits behind the others' vendor calls).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "@/test-support/engine-harness";

describe("scheduler keyed by next-refresh time (SQLite)", () => {
  let h: Harness;
  let db: import("@/server/db").Db;
  let scheduler: typeof import("./scheduler");
  const farAway = new Date(Date.now() + 86_400_000);
  const ticket = () => db.credential.findFirstOrThrow({ where: { kind: "jsapi_ticket", app: { appId: "wx000000000000demo" } } });
  /**
   * `n` WeChat apps the sandbox knows, with their credential slots, named after `label`; disabled
   * while a test sets them up (the scheduler leaves them alone until their refreshes are planned).
   */
  const disabledWechatApps = async (label: string, n: number): Promise<string[]> => {
    const { encrypt } = await import("@/server/crypto");
    const { ensureCredentialSlots } = await import("@/server/apps/seed-demo-apps");
    const refs: string[] = [];
    for (let i = 0; i < n; i++) {
      const appId = `wx${label}${String(i).padStart(14 - label.length, "0")}`;
      await h.control("/__sandbox/apps", { vendor: "wechat", appId, secret: `${label}-secret-${i}` });
      const app = await db.vendorApp.create({
        data: { vendor: "wechat", name: `${label} ${i}`, appId, secretEnc: encrypt(`${label}-secret-${i}`), baseUrl: h.sandboxUrl, enabled: false },
      });
      await ensureCredentialSlots(db, app.id, "wechat");
      refs.push(app.id);
    }
    return refs;
  };

  /**
   * One more WeChat app, enabled, its refreshes far away, and the scheduler running: for a test to
   * plan its token as another instance would (in the database only) and wake the scheduler by stamp.
   */
  const remoteToken = async (label: string) => {
    const [ref] = await disabledWechatApps(label, 1);
    await db.credential.updateMany({ where: { appRef: ref }, data: { nextRefreshAt: farAway } });
    await db.vendorApp.update({ where: { id: ref }, data: { enabled: true } });
    scheduler.startScheduler();
    await new Promise((r) => setTimeout(r, 300));
    return db.credential.findFirstOrThrow({ where: { appRef: ref, kind: "access_token" } });
  };
  /** The token got its first value at its planned time, within a second of it (a timer: milliseconds late). */
  const startedOnTime = async (tokenId: string, plannedAt: number) => {
    await expect.poll(async () => (await db.credential.findUniqueOrThrow({ where: { id: tokenId } })).generation, { timeout: 20_000, interval: 50 }).toBe(1);
    const v = await db.credentialVersion.findFirstOrThrow({ where: { credentialId: tokenId } });
    expect(v.fetchedAt.getTime()).toBeGreaterThanOrEqual(plannedAt);
    expect(v.fetchedAt.getTime() - plannedAt).toBeLessThan(1_000);
  };

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
    // Its first passes end (on a busy machine they may take longer than a few hundred ms): the count
    // stays the same for 600 ms, or 5 s go by (then the count below says what kept asking).
    let idle = scheduler.schedulerQueries();
    for (let stable = 0, until = Date.now() + 5_000; stable < 3 && Date.now() < until; ) {
      await new Promise((r) => setTimeout(r, 200));
      const q = scheduler.schedulerQueries();
      stable = q === idle ? stable + 1 : 0;
      idle = q;
    }
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

  it("starts two dozen refreshes planned for the same moment together, not a few at a time behind each other's vendor calls", async () => {
    const N = 24;
    // Each token call waits 3 s at the vendor (the harness's 1.5 s upstream timeout raised for it): a
    // refresh queued behind others' calls would start 3 s late or more.
    (await import("@/server/config")).getConfig().upstreamTimeoutMs = 10_000;
    await h.control("/__sandbox/faults", { endpoint: "wechat /cgi-bin/token", mode: null, latencyMs: 3_000 });
    const refs = await disabledWechatApps("planned", N);
    const plannedAt = new Date(Date.now() + 1_000);
    await db.credential.updateMany({ where: { appRef: { in: refs } }, data: { nextRefreshAt: farAway } });
    await db.credential.updateMany({ where: { appRef: { in: refs }, kind: "access_token" }, data: { nextRefreshAt: plannedAt } });
    await db.vendorApp.updateMany({ where: { id: { in: refs } }, data: { enabled: true } });
    await h.control("/__sandbox/reset", { faults: false });
    scheduler.wakeScheduler();
    const tokens = { appRef: { in: refs }, kind: "access_token" };
    await expect.poll(() => db.credential.count({ where: { ...tokens, generation: 1 } }), { timeout: 60_000, interval: 200 }).toBe(N);
    // Every one of them was at the vendor at the same time: none started after another's call ended.
    expect((await h.stats()).inFlightMax["wechat /cgi-bin/token"]).toBe(N);
    for (const v of await db.credentialVersion.findMany({ where: { credential: tokens } }))
      expect(v.fetchedAt.getTime()).toBeGreaterThanOrEqual(plannedAt.getTime());
    await h.control("/__sandbox/faults", { endpoint: "wechat /cgi-bin/token", mode: null });
  }, 120_000);

  it("does not read the plan again after each refresh it ran: each one says when it runs next", async () => {
    const N = 16;
    const refs = await disabledWechatApps("spread", N);
    await db.credential.updateMany({ where: { appRef: { in: refs } }, data: { nextRefreshAt: farAway } });
    // One token every 150 ms: each refresh ends on its own, not with the others.
    const start = Date.now() + 1_500;
    const tokens = await db.credential.findMany({ where: { appRef: { in: refs }, kind: "access_token" }, orderBy: { appRef: "asc" } });
    for (const [i, t] of tokens.entries()) await db.credential.update({ where: { id: t.id }, data: { nextRefreshAt: new Date(start + i * 150) } });
    await db.vendorApp.updateMany({ where: { id: { in: refs } }, data: { enabled: true } });
    scheduler.startScheduler();
    scheduler.wakeScheduler();
    const asked = scheduler.schedulerQueries();
    const done = { appRef: { in: refs }, kind: "access_token", generation: 1 };
    await expect.poll(() => db.credential.count({ where: done }), { timeout: 30_000, interval: 100 }).toBe(N);
    await new Promise((r) => setTimeout(r, 500));
    // A pass (two queries) after every refresh would be 32 and more; the passes the look-ahead needs are a handful.
    expect(scheduler.schedulerQueries() - asked).toBeLessThan(N);
    for (const [i, t] of tokens.entries()) {
      const v = await db.credentialVersion.findFirstOrThrow({ where: { credentialId: t.id } });
      expect(v.fetchedAt.getTime()).toBeGreaterThanOrEqual(start + i * 150);
    }
  }, 120_000);

  it("retries a scheduled refresh at the time its failure planned, also inside the look-ahead", async () => {
    const token = await db.credential.findFirstOrThrow({ where: { kind: "access_token", app: { vendor: "feishu", appId: { contains: "demo" } } } });
    // Feishu's 429 says "again in 2 s" (x-ogw-ratelimit-reset): inside the 2 s look-ahead, and before
    // every refresh the scheduler knows of, so the change it announces must wake a pass.
    await h.control("/__sandbox/faults", { endpoint: "feishu /open-apis/auth/v3/tenant_access_token/internal", mode: "rate-limited", times: 1 });
    scheduler.startScheduler();
    await db.credential.update({ where: { id: token.id }, data: { nextRefreshAt: new Date(Date.now() + 500) } });
    scheduler.wakeScheduler();
    await expect
      .poll(async () => (await db.credential.findUniqueOrThrow({ where: { id: token.id } })).lastErrorClass, { timeout: 10_000, interval: 50 })
      .toBe("rate-limited");
    const retryAt = (await db.credential.findUniqueOrThrow({ where: { id: token.id } })).nextRefreshAt!.getTime();
    await expect
      .poll(async () => (await db.credential.findUniqueOrThrow({ where: { id: token.id } })).generation, { timeout: 20_000, interval: 50 })
      .toBe(token.generation + 1);
    const v = await db.credentialVersion.findFirstOrThrow({ where: { credentialId: token.id }, orderBy: { generation: "desc" } });
    expect(v.fetchedAt.getTime()).toBeGreaterThanOrEqual(retryAt);
    // Armed once the failure planned it (a timer: milliseconds late), not found by the safety-net pass
    // up to 10 s later (nothing else is due to wake one); the bound is the 2 s look-ahead.
    expect(v.fetchedAt.getTime() - retryAt).toBeLessThan(2_000);
  }, 60_000);

  it("runs a pass per poll interval for a burst of stamp moves, not one per move, and still starts what they moved earlier", async () => {
    const token = await remoteToken("burst");
    // As another instance would: written to the database, told to nobody here; only the stamp moves.
    const plannedAt = Date.now() + 2_500;
    await db.credential.update({ where: { id: token.id }, data: { nextRefreshAt: new Date(plannedAt) } });
    const asked = scheduler.schedulerQueries();
    const began = Date.now();
    // The read cache sees the stamp move after every write of any instance: with thousands of apps, dozens a second.
    for (let i = 0; i < 50; i++) {
      scheduler.wakeScheduler();
      await new Promise((r) => setTimeout(r, 10));
    }
    const passes = (scheduler.schedulerQueries() - asked) / 2;
    // One pass per 250 ms poll interval the burst lasted (one at its start, one at its end), not one per move.
    expect(passes).toBeLessThanOrEqual(Math.ceil((Date.now() - began) / 250) + 2);
    await startedOnTime(token.id, plannedAt);
  }, 60_000);

  it("sees a stamp that moved right after a pass with the pass put off for it, in time for a refresh planned inside the look-ahead", async () => {
    const token = await remoteToken("trailing");
    // A pass runs (the last one began over 250 ms ago)…
    const before = scheduler.schedulerQueries();
    scheduler.wakeScheduler();
    await expect.poll(() => scheduler.schedulerQueries(), { timeout: 5_000, interval: 5 }).toBeGreaterThan(before);
    // …then another instance plans a refresh inside the 2 s look-ahead, and its stamp arrives within 250 ms
    // of that pass: the pass for it is put off, not dropped (else the next one is the 10 s safety net's).
    const plannedAt = Date.now() + 800;
    await db.credential.update({ where: { id: token.id }, data: { nextRefreshAt: new Date(plannedAt) } });
    scheduler.wakeScheduler();
    await startedOnTime(token.id, plannedAt);
  }, 60_000);
});
