// The Next server behind a read plane (a follower) loads its copy of the read cache at most once per
// poll interval, however many stamps the read plane shares meanwhile (one after nearly every refresh);
// a refresh in it still sends its app's reads to the database at once. Its own file: the cache is
// started once per process.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { fetchWechatValues, startHarness, type Harness } from "@/test-support/engine-harness";

describe("a follower's read cache (SQLite)", () => {
  let h: Harness;
  let db: import("@/server/db").Db;
  let cache: typeof import("./read-cache");
  let store: typeof import("./cache-store");
  let refresh: typeof import("../tickets/refresh-credential").refreshCredential;
  const POLL_MS = 1_000;

  beforeAll(async () => {
    h = await startHarness("sqlite");
    db = (await import("@/server/db")).getDb();
    cache = await import("./read-cache");
    store = await import("./cache-store");
    refresh = (await import("../tickets/refresh-credential")).refreshCredential;
    await fetchWechatValues();
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  it("loads once per interval whatever the stamps shared meanwhile; its own refresh's app is read from the database until then", async () => {
    cache.startReadCache(POLL_MS, { name: "next", follow: true });
    await vi.waitFor(() => expect(store.cacheStore().current).not.toBeNull(), { timeout: 10_000 });
    const app = (await db.vendorApp.findFirstOrThrow({ where: { vendor: "wechat" } })).id;
    const ticket = await db.credential.findFirstOrThrow({ where: { appRef: app, kind: "jsapi_ticket" } });
    const card = await db.credential.findFirstOrThrow({ where: { appRef: app, kind: "wx_card_ticket" } });
    const moved = async (i: number) => {
      await db.credential.update({ where: { id: card.id }, data: { nextRefreshReason: `moved ${i}` } });
      cache.stampShared({ stamp: `moved-${i}`, askedAt: Date.now() });
    };
    // A load just done (now, or one interval after the one before): the interval starts here.
    const first = cache.lastLoad.count;
    await moved(0);
    await vi.waitFor(() => expect(cache.lastLoad.count).toBe(first + 1), { timeout: 10_000, interval: 10 });
    const loadedAt = Date.now();
    expect(store.cachedServed(app, "jsapi_ticket", Date.now())).not.toBeNull();

    // A refresh here, then the stamps the read plane shares after it and after four more writes.
    expect(await refresh({ credentialId: ticket.id, reason: "test" })).toMatchObject({ ok: true });
    // Its app is read from the database at once, not from the snapshot loaded before it.
    expect(store.cachedServed(app, "jsapi_ticket", Date.now())).toBeNull();
    for (let i = 1; i <= 5; i++) {
      await moved(i);
      await new Promise((r) => setTimeout(r, 50));
    }
    // Five stamps, one load, one interval after the last (two, should this machine stall for a whole interval).
    await vi.waitFor(() => expect(cache.lastLoad.count).toBeGreaterThan(first + 1), { timeout: 10_000, interval: 10 });
    expect(Date.now() - loadedAt).toBeGreaterThan(POLL_MS / 2);
    await new Promise((r) => setTimeout(r, 300));
    expect(cache.lastLoad.count - (first + 1)).toBeLessThanOrEqual(2);
    // It read the stamp itself and holds the refresh's value.
    expect(store.cacheStore().current!.stamp).not.toMatch(/^moved-/);
    const served = store.cachedServed(app, "jsapi_ticket", Date.now());
    expect(served?.generation).toBe((await db.credential.findUniqueOrThrow({ where: { id: ticket.id } })).generation);
  });
});
