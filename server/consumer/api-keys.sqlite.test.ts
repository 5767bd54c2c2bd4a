// Revocation wins over the memory kept for a database outage: a key revoked on this instance is
// refused from memory too, also when the database stops answering before the read cache reloaded.
// (A key revoked on another instance is known here from this instance's next reload; one revoked
// while the database is down cannot be known at all.)
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startHarness, type Harness } from "@/test-support/engine-harness";

describe("API keys and the outage memory (SQLite)", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness("sqlite");
  }, 120_000);
  afterAll(async () => {
    vi.restoreAllMocks();
    await h?.close();
  });

  it("a key revoked here just before an outage is refused from memory; a key not revoked still reads", async () => {
    const db = (await import("@/server/db")).getDb();
    const keys = await import("./api-keys");
    const cache = await import("@/server/fast/read-cache");
    const store = await import("@/server/fast/cache-store");
    const { refreshCredential } = await import("@/server/tickets/refresh-credential");
    const app = await db.vendorApp.findUniqueOrThrow({ where: { vendor_appId: { vendor: "wechat", appId: "wx000000000000demo" } } });
    for (const c of await db.credential.findMany({ where: { appRef: app.id, kind: { in: ["access_token", "jsapi_ticket"] } } })) {
      expect((await refreshCredential({ credentialId: c.id, reason: "test" })).ok).toBe(true);
    }
    const revoked = await keys.createApiKey({ input: { name: "to revoke", appRefs: [app.id] }, actor: "test" });
    const kept = await keys.createApiKey({ input: { name: "kept", appRefs: [app.id] }, actor: "test" });
    store.cacheStore().maxAgeMs = 600_000;
    await cache.pollOnce();
    const read = (key: string) => cache.lookup(keys.keyHashOf(key), cache.readTarget("wechat", app.appId, "jsapi_ticket"), Date.now());
    expect(read(revoked.key)).not.toBeNull();

    await keys.revokeApiKey({ id: revoked.view.id, actor: "test" });
    // The database stops answering before the read cache reloaded (no poll ran since the revocation).
    const down = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" });
    vi.spyOn(db.apiKey, "findUnique").mockRejectedValue(down);
    store.cacheStore().dbDownSince = Date.now();

    expect(read(revoked.key)).toBeNull();
    expect(await keys.keyHolderFor(`Bearer ${revoked.key}`)).toEqual({ refused: expect.stringContaining("revoked") });
    expect(read(kept.key)?.served.generation).toBeGreaterThan(0);
    expect(await keys.keyHolderFor(`Bearer ${kept.key}`)).toMatchObject({ prefix: kept.view.prefix });
  });

  // Last in this file: it leaves the database's clock 90 s ahead of this host's.
  it("a revocation, a key's last use and their audit rows are stamped on the database's clock, not this host's", async () => {
    vi.restoreAllMocks(); // the database answers again
    const db = (await import("@/server/db")).getDb();
    const keys = await import("./api-keys");
    const { syncClock } = await import("@/server/clock");
    const app = await db.vendorApp.findUniqueOrThrow({ where: { vendor_appId: { vendor: "wechat", appId: "wx000000000000demo" } } });
    await syncClock(async () => Date.now() + 90_000);
    const asked = Date.now();
    const { key, view } = await keys.createApiKey({ input: { name: "clock", appRefs: [app.id] }, actor: "test" });
    expect(await keys.keyHolderFor(`Bearer ${key}`)).toMatchObject({ id: view.id });
    await keys.revokeApiKey({ id: view.id, actor: "test" });
    const row = await db.apiKey.findUniqueOrThrow({ where: { id: view.id } });
    // So are the audit log's rows of both: in the order they happened, whichever instance wrote them
    // (the proxy's force_refresh counts its day's rows by the database's clock too).
    const audit = await db.auditEvent.findMany({ where: { target: view.id }, orderBy: { at: "asc" } });
    expect(audit.map((a) => a.action)).toEqual(["apikey.created", "apikey.revoked"]);
    for (const stamp of [row.lastUsedAt!, row.revokedAt!, ...audit.map((a) => a.at)]) {
      expect(stamp.getTime() - asked).toBeGreaterThanOrEqual(89_000);
      expect(stamp.getTime() - Date.now()).toBeLessThanOrEqual(91_000);
    }
  });
});
