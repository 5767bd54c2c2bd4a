// The metrics' credential states are kept between scrapes (server/metrics/states.ts): a scrape reads
// again only the apps whose credential rows moved, and in full when an app or the list's shape
// changed. Whatever it reads, it says what reading everything would say.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fetchWechatValues, recordWechatCall, startHarness, type Harness } from "@/test-support/engine-harness";

describe("the metrics' credential states between scrapes (SQLite)", () => {
  let h: Harness;
  let db: import("@/server/db").Db;
  let states: typeof import("./states");
  let list: typeof import("../tickets/list-credentials");
  let refresh: typeof import("../tickets/refresh-credential").refreshCredential;

  beforeAll(async () => {
    h = await startHarness("sqlite");
    db = (await import("@/server/db")).getDb();
    states = await import("./states");
    list = await import("../tickets/list-credentials");
    refresh = (await import("../tickets/refresh-credential")).refreshCredential;
    await fetchWechatValues();
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  /** What a scrape reports now, which must equal reading every credential, and how it was read. */
  const scrape = async () => {
    const kept = await states.currentStates();
    expect(kept).toEqual(await list.credentialStates());
    return { ...states.lastStatesRead };
  };

  it("reads again only the apps whose credentials changed, in full when an app changed, and always says what a full read says", async () => {
    const apps = await db.vendorApp.count({ where: { enabled: true } });
    expect(await scrape()).toMatchObject({ full: true, apps });
    expect(await scrape()).toMatchObject({ full: false, apps: 0 });

    // A refresh moves its credential's generation and expiry (and its quota count): its app is read again.
    const wechat = await db.vendorApp.findFirstOrThrow({ where: { vendor: "wechat" } });
    const ticket = await db.credential.findFirstOrThrow({ where: { appRef: wechat.id, kind: "jsapi_ticket" } });
    const generation = ticket.generation;
    expect((await refresh({ credentialId: ticket.id, reason: "test" })).ok).toBe(true);
    expect(await scrape()).toMatchObject({ full: false, apps: 1 });
    expect((await states.currentStates()).find((s) => s.appRef === wechat.id && s.kind === "jsapi_ticket")?.generation).toBe(generation + 1);

    // A failure on record (no new value): failing, with its count.
    const feishu = await db.credential.findFirstOrThrow({ where: { app: { vendor: "feishu" } } });
    await db.credential.update({ where: { id: feishu.id }, data: { status: "failing", consecutiveFailures: 3 } });
    expect(await scrape()).toMatchObject({ full: false, apps: 1 });
    expect((await states.currentStates()).find((s) => s.appRef === feishu.appRef && s.kind === feishu.kind)).toMatchObject({
      status: "failing",
      consecutiveFailures: 3,
    });

    // An app renamed (the list's order) or disabled (its credentials leave it): read in full.
    await db.vendorApp.update({ where: { id: wechat.id }, data: { name: "AAA first" } });
    expect(await scrape()).toMatchObject({ full: true });
    await db.vendorApp.update({ where: { id: wechat.id }, data: { enabled: false } });
    expect(await scrape()).toMatchObject({ full: true, apps: apps - 1 });
    expect((await states.currentStates()).some((s) => s.appRef === wechat.id)).toBe(false);
    await db.vendorApp.update({ where: { id: wechat.id }, data: { enabled: true } });
    expect(await scrape()).toMatchObject({ full: true, apps });
  });

  it("reads every app again over a sweep of the scrapes: a vendor call that writes no credential shows in its app's quota without a full read", async () => {
    const period = states.statesSweep.everyMs;
    try {
      states.statesSweep.everyMs = 3_600_000;
      expect(await scrape()).toMatchObject({ full: false });
      // A call on the quota's day that no credential row shows (a proxied call, clear_quota): only the sweep sees it.
      const wechat = await db.vendorApp.findFirstOrThrow({ where: { vendor: "wechat", enabled: true } });
      const quotaOf = async () => (await states.currentStates()).find((s) => s.appRef === wechat.id && s.kind === "access_token")?.quota;
      const usedOf = async () => (await quotaOf())?.used;
      const endpoint = (await quotaOf())!.endpoint;
      const before = await usedOf();
      expect(before).toBeGreaterThan(0);
      await recordWechatCall(wechat.id, endpoint);
      // Within the period its turn has not come: the scrape still says what it read before.
      expect(await usedOf()).toBe(before);
      // Its turn comes (the period has passed): read again, not in full.
      states.statesSweep.everyMs = 1;
      await new Promise((r) => setTimeout(r, 5));
      const read = await scrape();
      expect(read).toMatchObject({ full: false });
      expect(read.swept).toBeGreaterThan(0);
      expect(await usedOf()).toBe(before! + 1);
    } finally {
      states.statesSweep.everyMs = period;
    }
  });

  it("applies the clock at each scrape: a value kept from an earlier read turns expired by time alone", () => {
    const parts = {
      id: "c1",
      updatedAtMs: 0,
      stored: "active",
      hasValue: true,
      vendor: "wechat",
      appRef: "a1",
      appId: "wx1",
      kind: "jsapi_ticket",
      generation: 1,
      consecutiveFailures: 0,
      nextRefreshAt: null,
      quota: null,
      expiresAt: "2026-12-01T10:00:00.000Z",
    };
    expect(list.stateAt(parts, new Date("2026-12-01T09:59:59.000Z")).status).toBe("active");
    expect(list.stateAt(parts, new Date("2026-12-01T10:00:00.000Z")).status).toBe("expired");
  });
});
