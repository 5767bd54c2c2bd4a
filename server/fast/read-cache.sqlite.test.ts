// The read cache reloads only what changed: one credential's new value after a reload that read only
// its app, a disabled or deleted app gone, a full reload when the increments do not add up, and
// every app read again over a sweep.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "@/test-support/engine-harness";
import { openPlanReader } from "@/test-support/query-plan";

describe("read cache reloads by change (SQLite)", () => {
  let h: Harness;
  let db: import("@/server/db").Db;
  let cache: typeof import("./read-cache");
  let store: typeof import("./cache-store");
  let refresh: typeof import("../tickets/refresh-credential").refreshCredential;
  const demo = (appId: string) => db.vendorApp.findUniqueOrThrow({ where: { vendor_appId: { vendor: "wechat", appId } } });

  beforeAll(async () => {
    h = await startHarness("sqlite");
    db = (await import("@/server/db")).getDb();
    cache = await import("./read-cache");
    store = await import("./cache-store");
    refresh = (await import("../tickets/refresh-credential")).refreshCredential;
    // Two WeChat apps with values, so that "only what changed" has something to leave alone.
    const second = await db.vendorApp.create({
      data: {
        vendor: "wechat",
        name: "second",
        appId: "wx0000000000second",
        secretEnc: (await import("@/server/crypto")).encrypt("second-secret"),
        baseUrl: h.sandboxUrl,
      },
    });
    await h.control("/__sandbox/apps", { vendor: "wechat", appId: "wx0000000000second", secret: "second-secret" });
    await (await import("@/server/apps/seed-demo-apps")).ensureCredentialSlots(db, second.id, "wechat");
    for (const c of await db.credential.findMany({ where: { app: { vendor: "wechat" }, kind: { in: ["access_token", "jsapi_ticket"] } } })) {
      expect((await refresh({ credentialId: c.id, reason: "test" })).ok).toBe(true);
    }
    store.cacheStore().maxAgeMs = 600_000;
    // Loads here read what changed and nothing else: no app's turn in the sweep comes during these tests (but in the sweep's own).
    cache.sweepTiming.everyMs = 3_600_000_000;
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  const cached = async (appId: string, kind: string) => store.cachedServed((await demo(appId)).id, kind, Date.now());

  it("a load that began before a write here is not installed: the write's reader never gets the value from before it", async () => {
    const slot = await db.credential.findFirstOrThrow({ where: { kind: "jsapi_ticket", app: { appId: "wx000000000000demo" } } });
    // Make the next poll load (the stamp moves), then drop the snapshot while that poll runs, as a
    // refresh committed in this process (or relayed from the other one) does.
    await db.credential.update({ where: { id: slot.id }, data: { nextRefreshReason: "moved by the test" } });
    const poll = cache.pollOnce();
    store.invalidateReadCache();
    await poll;
    expect(store.cacheStore().current).toBeNull();
    // The next poll installs it again.
    await cache.pollOnce();
    expect(store.cacheStore().current).not.toBeNull();
  });

  it("a refresh here stops the cache answering for its app alone, until the reload after it", async () => {
    await cache.pollOnce();
    const other = await cached("wx0000000000second", "jsapi_ticket");
    const before = await cached("wx000000000000demo", "jsapi_ticket");
    expect(before).not.toBeNull();
    const slot = await db.credential.findFirstOrThrow({ where: { kind: "jsapi_ticket", app: { appId: "wx000000000000demo" } } });
    await refresh({ credentialId: slot.id, reason: "test" });
    // Its reader never gets the value from before the refresh; every other app is still answered from memory.
    expect(await cached("wx000000000000demo", "jsapi_ticket")).toBeNull();
    expect((await cached("wx0000000000second", "jsapi_ticket"))?.value).toBe(other!.value);
    await cache.pollOnce();
    expect((await cached("wx000000000000demo", "jsapi_ticket"))?.generation).toBe(before!.generation + 1);
  });

  it("a load that began before a refresh here is installed for every other app, not for the refreshed one", async () => {
    await cache.pollOnce();
    const demoApp = await demo("wx000000000000demo");
    const slot = await db.credential.findFirstOrThrow({ where: { kind: "jsapi_ticket", appRef: demoApp.id } });
    await db.credential.update({ where: { id: slot.id }, data: { nextRefreshReason: "moved again by the test" } });
    const poll = cache.pollOnce();
    (await import("../events")).credentialsChanged({ credentialId: slot.id, appRef: demoApp.id, nextRefreshAt: null });
    await poll;
    expect(store.cacheStore().current).not.toBeNull();
    expect(await cached("wx000000000000demo", "jsapi_ticket")).toBeNull();
    expect(await cached("wx0000000000second", "jsapi_ticket")).not.toBeNull();
    // The next poll (nothing moved since) confirms the database holds what the snapshot has: the app is answered again.
    await cache.pollOnce();
    expect(await cached("wx000000000000demo", "jsapi_ticket")).not.toBeNull();
  });

  it("a stamp the other process read before a refresh here does not clear that refresh's app", async () => {
    await cache.pollOnce();
    await new Promise((r) => setTimeout(r, 5));
    // The read plane asks for the stamp now; its answer arrives after this process's refresh.
    const asked = { stamp: store.cacheStore().current!.stamp, askedAt: Date.now() };
    await new Promise((r) => setTimeout(r, 5));
    const demoApp = await demo("wx000000000000demo");
    const slot = await db.credential.findFirstOrThrow({ where: { kind: "jsapi_ticket", appRef: demoApp.id } });
    (await import("../events")).credentialsChanged({ credentialId: slot.id, appRef: demoApp.id, nextRefreshAt: null });
    await cache.pollOnce(asked);
    expect(store.cacheStore().confirmedAt).toBe(asked.askedAt);
    expect(await cached("wx000000000000demo", "jsapi_ticket")).toBeNull();
    // A stamp asked for after the write settles it.
    await cache.pollOnce();
    expect(await cached("wx000000000000demo", "jsapi_ticket")).not.toBeNull();
  });

  it("a refreshed credential is served anew after a reload that read only its app", async () => {
    await cache.pollOnce();
    const before = await cached("wx000000000000demo", "jsapi_ticket");
    const other = await cached("wx0000000000second", "jsapi_ticket");
    expect(before).not.toBeNull();
    expect(other).not.toBeNull();

    const slot = await db.credential.findFirstOrThrow({ where: { kind: "jsapi_ticket", app: { appId: "wx000000000000demo" } } });
    await refresh({ credentialId: slot.id, reason: "test" });
    await cache.pollOnce();

    expect(cache.lastLoad).toMatchObject({ full: false, apps: 1 });
    const after = await cached("wx000000000000demo", "jsapi_ticket");
    expect(after?.generation).toBe(before!.generation + 1);
    expect(after?.value).not.toBe(before!.value);
    // The other app's value is the same object as before: not read again.
    expect((await cached("wx0000000000second", "jsapi_ticket"))?.value).toBe(other!.value);
  });

  it("a disabled app disappears at the next reload, and comes back when enabled", async () => {
    const app = await demo("wx0000000000second");
    await db.vendorApp.update({ where: { id: app.id }, data: { enabled: false } });
    await cache.pollOnce();
    expect(cache.lastLoad.full).toBe(false);
    expect(store.cachedApp("wechat", "wx0000000000second")?.enabled).toBe(false);
    expect(await cached("wx0000000000second", "jsapi_ticket")).toBeNull();

    await db.vendorApp.update({ where: { id: app.id }, data: { enabled: true } });
    await cache.pollOnce();
    expect(cache.lastLoad).toMatchObject({ full: false, apps: 1 });
    expect(await cached("wx0000000000second", "jsapi_ticket")).not.toBeNull();
  });

  it("an app change whose updatedAt is not newer (same millisecond, or another host's clock behind) is seen at the next poll", async () => {
    const app = await demo("wx0000000000second");
    await cache.pollOnce();
    expect(await cached("wx0000000000second", "jsapi_ticket")).not.toBeNull();
    // Disabled within the millisecond of its last change: the newest updatedAt does not move.
    await db.vendorApp.update({ where: { id: app.id }, data: { enabled: false, updatedAt: app.updatedAt } });
    await cache.pollOnce();
    expect(store.cachedApp("wechat", "wx0000000000second")?.enabled).toBe(false);
    expect(await cached("wx0000000000second", "jsapi_ticket")).toBeNull();
    // Enabled again by a writer whose clock is an hour behind: invisible to "changed since".
    await db.vendorApp.update({ where: { id: app.id }, data: { enabled: true, updatedAt: new Date(app.updatedAt.getTime() - 3_600_000) } });
    await cache.pollOnce();
    expect(store.cachedApp("wechat", "wx0000000000second")?.enabled).toBe(true);
    expect(await cached("wx0000000000second", "jsapi_ticket")).not.toBeNull();
  });

  it("a stamp shared by the read plane confirms the snapshot without a query; one older than the last own read is ignored", async () => {
    await cache.pollOnce();
    const old = store.cacheStore().current!;
    const slot = await db.credential.findFirstOrThrow({ where: { kind: "jsapi_ticket", app: { appId: "wx000000000000demo" } } });
    await db.credential.update({ where: { id: slot.id }, data: { nextRefreshReason: "moved by the test" } });
    await cache.pollOnce();
    const loaded = store.cacheStore().current!;
    expect(loaded.stamp).not.toBe(old.stamp);
    // Read by the other process before this one's last read (it arrived late): it must not drop what was loaded since.
    await cache.pollOnce({ stamp: old.stamp, askedAt: Date.now() - 60_000 });
    expect(store.cacheStore().current).toBe(loaded);
    // A newer one that matches: confirmed as of when the other process asked, and nothing is loaded.
    const askedAt = Date.now();
    await cache.pollOnce({ stamp: loaded.stamp, askedAt });
    expect(store.cacheStore().current).toBe(loaded);
    expect(store.cacheStore().confirmedAt).toBe(askedAt);
  });

  it("a one-credential change reads that change, not every row written in the last seconds (an import)", async () => {
    // Every row written just now, as an import of thousands of apps leaves them.
    await db.credential.updateMany({ data: { nextRefreshReason: "imported" } });
    await cache.pollOnce();
    const slot = await db.credential.findFirstOrThrow({ where: { kind: "jsapi_ticket", app: { appId: "wx000000000000demo" } } });
    const before = (await cached("wx000000000000demo", "jsapi_ticket"))!;
    await refresh({ credentialId: slot.id, reason: "test" });
    await cache.pollOnce();
    expect(cache.lastLoad).toMatchObject({ full: false, apps: 1 });
    expect(cache.lastLoad.changedRows).toBeLessThanOrEqual(2);
    expect(cache.lastLoad.changedRows).toBeLessThan(await db.credential.count());
    expect((await cached("wx000000000000demo", "jsapi_ticket"))?.generation).toBe(before.generation + 1);

    // A new value whose row claims a time a little before the newest seen (it committed after a
    // newer write, or its writer's clock is behind): the last seconds are read again, still no full load.
    const newest = (await db.credential.findFirstOrThrow({ orderBy: { updatedAt: "desc" } })).updatedAt;
    await refresh({ credentialId: slot.id, reason: "test" });
    await db.credential.update({ where: { id: slot.id }, data: { updatedAt: new Date(newest.getTime() - 2_000) } });
    await cache.pollOnce();
    expect(cache.lastLoad).toMatchObject({ full: false, apps: 1 });
    expect(cache.lastLoad.phases).toContain("margin");
    expect((await cached("wx000000000000demo", "jsapi_ticket"))?.generation).toBe(before.generation + 2);
  });

  it("a change the increments miss shows in the stamp's sums and triggers a full reload", async () => {
    const slot = await db.credential.findFirstOrThrow({ where: { kind: "jsapi_ticket", app: { appId: "wx0000000000second" } } });
    await cache.pollOnce();
    const before = (await cached("wx0000000000second", "jsapi_ticket"))!;
    // A new value whose row claims an old updatedAt (a writer with a clock far behind): invisible to "changed since".
    await refresh({ credentialId: slot.id, reason: "test" });
    await db.credential.update({ where: { id: slot.id }, data: { updatedAt: new Date(0) } });
    await cache.pollOnce();
    expect(cache.lastLoad.full).toBe(true);
    expect((await cached("wx0000000000second", "jsapi_ticket"))?.generation).toBe(before.generation + 1);
  });

  it("reads every app again over a sweep, a few at each incremental load: a value changed behind the stamp is repaired without a full load", async () => {
    const { encrypt } = await import("@/server/crypto");
    await cache.pollOnce();
    const slot = await db.credential.findFirstOrThrow({ where: { kind: "jsapi_ticket", app: { appId: "wx0000000000second" } } });
    const before = (await cached("wx0000000000second", "jsapi_ticket"))!;
    // The value's row changes and its credential's row does not (nor its generation): no increment sees it.
    await db.credentialVersion.update({ where: { id: slot.currentVersionId! }, data: { valueEnc: encrypt("repaired-by-the-sweep") } });
    const other = await db.credential.findFirstOrThrow({ where: { kind: "jsapi_ticket", app: { appId: "wx000000000000demo" } } });
    const moveStamp = (reason: string) => db.credential.update({ where: { id: other.id }, data: { nextRefreshReason: reason } });
    const period = cache.sweepTiming.everyMs;
    try {
      // Within the sweep's period (the round that began with the last full load is not due yet): left as it was.
      cache.sweepTiming.everyMs = 3_600_000;
      await moveStamp("moved by the test (1)");
      const loads = cache.lastLoad.count;
      await cache.pollOnce();
      expect(cache.lastLoad.count).toBe(loads + 1);
      expect(cache.lastLoad).toMatchObject({ full: false, swept: 0 });
      expect((await cached("wx0000000000second", "jsapi_ticket"))?.value).toBe(before.value);
      // Once its turn has come, the next load (for another app's change) reads it again.
      cache.sweepTiming.everyMs = 1;
      await moveStamp("moved by the test (2)");
      await cache.pollOnce();
      expect((await cached("wx0000000000second", "jsapi_ticket"))?.value).toBe("repaired-by-the-sweep");
      expect(cache.lastLoad.full).toBe(false);
      expect(cache.lastLoad.swept).toBeGreaterThan(0);
    } finally {
      cache.sweepTiming.everyMs = period;
    }
  });

  it("a deleted app is gone after the reload (counts fell: a full one)", async () => {
    await cache.pollOnce();
    const app = await demo("wx0000000000second");
    await db.vendorApp.delete({ where: { id: app.id } });
    await cache.pollOnce();
    expect(cache.lastLoad.full).toBe(true);
    expect(store.cachedApp("wechat", "wx0000000000second")).toBeNull();
    expect(store.cachedServed(app.id, "jsapi_ticket", Date.now())).toBeNull();
    expect(await cached("wx000000000000demo", "jsapi_ticket")).not.toBeNull();
  });

  it("tells the process after each full load, not after an incremental one (the read plane collects its garbage then)", async () => {
    let told = 0;
    cache.startReadCache(3_600_000, { afterFullLoad: () => told++ });
    await cache.pollOnce();
    const before = told;
    const slot = await db.credential.findFirstOrThrow({ where: { kind: "jsapi_ticket", app: { appId: "wx000000000000demo" } } });
    await refresh({ credentialId: slot.id, reason: "test" });
    await cache.pollOnce();
    expect(cache.lastLoad.full).toBe(false);
    expect(told).toBe(before);
    // A change only the stamp's sums show: a full load.
    await refresh({ credentialId: slot.id, reason: "test" });
    await db.credential.update({ where: { id: slot.id }, data: { updatedAt: new Date(0) } });
    await cache.pollOnce();
    expect(cache.lastLoad.full).toBe(true);
    expect(told).toBe(before + 1);
  });
  it("reads its change stamp from indexes: no row of Credential or VendorApp is visited", async () => {
    const plans = await openPlanReader();
    let steps: string[];
    try {
      steps = plans.steps(cache.STAMP_SQL).filter((d) => /\b(Credential|VendorApp)\b/.test(d));
    } finally {
      plans.close();
    }
    expect(steps.length).toBeGreaterThanOrEqual(6);
    for (const step of steps) expect(step).toMatch(/USING (COVERING )?INDEX/);
  });

  // Last: it adds 1,200 apps the tests above do not expect.
  it("an import of 1,200 apps between two polls is one increment, read by pages: never over the database's parameter limit", async () => {
    await cache.pollOnce();
    const { encrypt, valueHash } = await import("@/server/crypto");
    const apps = Array.from({ length: 1_200 }, (_, i) => ({
      id: `import-${i}`,
      vendor: "wechat",
      name: `import ${i}`,
      appId: `wximport${String(i).padStart(10, "0")}`,
      secretEnc: encrypt("secret"),
      baseUrl: h.sandboxUrl,
    }));
    const at = Date.now();
    await db.$transaction([
      db.vendorApp.createMany({ data: apps }),
      db.credential.createMany({
        data: apps.map((a) => ({ id: `${a.id}-t`, appRef: a.id, kind: "jsapi_ticket", generation: 1, currentVersionId: `${a.id}-v`, status: "active" })),
      }),
      db.credentialVersion.createMany({
        data: apps.map((a) => ({
          id: `${a.id}-v`,
          credentialId: `${a.id}-t`,
          generation: 1,
          valueEnc: encrypt(`ticket-${a.id}`),
          valueHash: valueHash(`ticket-${a.id}`),
          fetchedAt: new Date(at),
          expiresIn: 7200,
          expiresAt: new Date(at + 7_200_000),
        })),
      }),
    ]);
    await cache.pollOnce();
    expect(cache.lastLoad).toMatchObject({ full: false, apps: 1_200 });
    expect(store.cachedServed("import-1199", "jsapi_ticket", Date.now())?.value).toBe("ticket-import-1199");
  });
});
