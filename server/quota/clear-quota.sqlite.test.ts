// WeChat clear_quota (the 45009 runbook's action) on a real database and the real sandbox: the quota
// ledger's count for today starts again with it, so the overview's quota and time to impact say a
// refresh can succeed now, and a ticket the scheduler paused for its endpoint's limit is due again.
import { afterAll, beforeAll, describe, expect, it, onTestFinished, vi } from "vitest";
import { nextVendorDayStart } from "@/lib/vendor-day";
import { startHarness, type Harness } from "@/test-support/engine-harness";
import { refuseInserts } from "@/test-support/refuse-inserts";

describe("clear_quota and the quota ledger", () => {
  let h: Harness;
  let db: Awaited<ReturnType<typeof import("@/server/db").getDb>>;
  let refresh: typeof import("@/server/tickets/refresh-credential").refreshCredential;
  let creds: typeof import("@/server/tickets/list-credentials").listCredentials;
  const slot = (kind: string) => db.credential.findFirstOrThrow({ where: { kind, app: { appId: "wx000000000000demo" } } });

  beforeAll(async () => {
    h = await startHarness("sqlite");
    db = (await import("@/server/db")).getDb();
    refresh = (await import("@/server/tickets/refresh-credential")).refreshCredential;
    creds = (await import("@/server/tickets/list-credentials")).listCredentials;
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  it("after clear_quota today's used count starts again: quota not exhausted, a refresh possible now, the paused ticket due", async (ctx) => {
    // Today's count is the test's subject: not across the vendors' midnight (16:00 UTC), where it starts again by itself.
    if (nextVendorDayStart(new Date()).getTime() - Date.now() < 60_000) ctx.skip();
    const ticket = await slot("jsapi_ticket");
    expect(await refresh({ credentialId: ticket.id, reason: "test" })).toMatchObject({ ok: true });
    expect(await refresh({ credentialId: ticket.id, reason: "test" })).toMatchObject({ ok: true });
    const view = async () => (await creds({ credentialId: ticket.id }))[0]!;
    const used = (await view()).quota!.used;
    expect(used).toBeGreaterThanOrEqual(2);
    // The app's own limit for getticket is what it used today: the ledger says exhausted.
    await db.vendorApp.update({ where: { id: ticket.appRef }, data: { policy: JSON.stringify({ quotas: { "/cgi-bin/ticket/getticket": used } }) } });
    const reset = nextVendorDayStart(new Date()).getTime();
    const before = await view();
    expect(before.quota).toMatchObject({ used, limit: used, exhausted: true });
    expect(Date.parse(before.impact.refreshPossibleAt!)).toBe(reset);
    expect(before.impact.blockedBy).toMatch(/daily quota used up/);
    // The scheduler's turn comes: the limit pauses it until the vendors' next day.
    await db.credential.update({ where: { id: ticket.id }, data: { nextRefreshAt: new Date(Date.now() - 1000) } });
    expect(await refresh({ credentialId: ticket.id, reason: "scheduled", need: { type: "due" } })).toMatchObject({ ok: false, failure: "quota-exhausted" });
    expect((await slot("jsapi_ticket")).nextRefreshAt!.getTime()).toBe(reset);

    const { clearQuota } = await import("./clear-quota");
    expect(await clearQuota({ appRef: ticket.appRef, actor: "admin" })).toMatchObject({ resumed: 1 });
    expect((await h.stats()).calls["wechat /cgi-bin/clear_quota/v2"]).toBe(1);

    const after = await view();
    expect(after.quota).toMatchObject({ used: 0, limit: used, exhausted: false });
    // Nothing holds a refresh back any more (the view's refreshPossibleAt is null for "now").
    expect(after.impact).toMatchObject({ blockedBy: null, refreshPossibleAt: null, atRisk: false, state: "ok" });
    expect((await slot("jsapi_ticket")).nextRefreshAt!.getTime()).toBeLessThanOrEqual(Date.now() + 1000);
    const { quotaBlock } = await import("./quota");
    const app = await db.vendorApp.findUniqueOrThrow({ where: { id: ticket.appRef } });
    expect(await quotaBlock(db, app, "/cgi-bin/ticket/getticket", new Date())).toBeNull();
    // The scheduled refresh now goes through, and counts from the reset on.
    expect(await refresh({ credentialId: ticket.id, reason: "scheduled", need: { type: "due" } })).toMatchObject({ ok: true });
    expect((await view()).quota).toMatchObject({ used: 1, exhausted: false });

    const audit = await db.auditEvent.findMany({ where: { action: "app.clear-quota" } });
    expect(audit.map((a) => [a.actor, a.target, a.outcome])).toEqual([["admin", ticket.appRef, "ok"]]);
  });

  it("an app's daily limit raised: what the old limit paused until the vendors' day turns is due now, and the scheduled refresh goes through", async (ctx) => {
    if (nextVendorDayStart(new Date()).getTime() - Date.now() < 60_000) ctx.skip();
    const { updateApp } = await import("@/server/apps/manage-apps");
    const ticket = await slot("jsapi_ticket");
    expect(await refresh({ credentialId: ticket.id, reason: "test" })).toMatchObject({ ok: true });
    const used = (await creds({ credentialId: ticket.id }))[0]!.quota!.used;
    const limits = (limit: number) => JSON.stringify({ quotas: { "/cgi-bin/ticket/getticket": limit } });
    await db.vendorApp.update({ where: { id: ticket.appRef }, data: { policy: limits(used) } });
    await db.credential.update({ where: { id: ticket.id }, data: { nextRefreshAt: new Date(Date.now() - 1000) } });
    expect(await refresh({ credentialId: ticket.id, reason: "scheduled", need: { type: "due" } })).toMatchObject({ ok: false, failure: "quota-exhausted" });
    const reset = nextVendorDayStart(new Date()).getTime();
    expect((await slot("jsapi_ticket")).nextRefreshAt!.getTime()).toBe(reset);
    // The form saves every field; "sandbox" is this test's sandbox, so only what the test changes changes.
    const config = (await import("@/server/config")).getConfig() as { sandbox: { url: string } };
    const sandboxWas = config.sandbox.url;
    config.sandbox.url = h.sandboxUrl;
    onTestFinished(() => {
      config.sandbox.url = sandboxWas;
    });
    const app = await db.vendorApp.findUniqueOrThrow({ where: { id: ticket.appRef } });
    onTestFinished(async () => {
      vi.restoreAllMocks();
      await db.vendorApp.update({ where: { id: app.id }, data: { name: app.name, policy: "{}" } });
    });
    const save = (name: string, limit: number) =>
      updateApp({ id: app.id, input: { vendor: "wechat", name, appId: app.appId, baseUrl: "sandbox", policy: limits(limit) }, actor: "admin" });
    // A save that keeps the limits (a rename) leaves the pause as it is.
    await save(`${app.name} renamed`, used);
    expect((await slot("jsapi_ticket")).nextRefreshAt!.getTime()).toBe(reset);
    // The admin raises the limit: the paused ticket is due now, and its scheduled refresh asks the vendor.
    await save(app.name, used + 100);
    const due = await slot("jsapi_ticket");
    expect(due.nextRefreshAt!.getTime()).toBeLessThanOrEqual(Date.now());
    expect(due.nextRefreshReason).toBe("quota limits changed: due now, if today's use allows");
    expect(await refresh({ credentialId: ticket.id, reason: "scheduled", need: { type: "due" } })).toMatchObject({ ok: true, joined: false });

    // The save lands while a scheduled refresh is reading the ledger with the old limit: that refresh
    // does not pause the ticket over the new limit; it stays due for the scheduler's next turn.
    const usedNow = (await creds({ credentialId: ticket.id }))[0]!.quota!.used;
    await db.vendorApp.update({ where: { id: app.id }, data: { policy: limits(usedNow) } });
    await db.credential.update({ where: { id: ticket.id }, data: { nextRefreshAt: new Date(Date.now() - 1000) } });
    const ledger = db.upstreamCall.groupBy.bind(db.upstreamCall);
    vi.spyOn(db.upstreamCall, "groupBy").mockImplementationOnce((async (args: Parameters<typeof ledger>[0]) => {
      const answer = await ledger(args as never);
      await save(app.name, usedNow + 100);
      return answer;
    }) as never);
    expect(await refresh({ credentialId: ticket.id, reason: "scheduled", need: { type: "due" } })).toMatchObject({ ok: false, failure: "quota-exhausted" });
    vi.restoreAllMocks();
    expect((await slot("jsapi_ticket")).nextRefreshAt!.getTime()).toBeLessThanOrEqual(Date.now());
    expect(await refresh({ credentialId: ticket.id, reason: "scheduled", need: { type: "due" } })).toMatchObject({ ok: true, joined: false });
  });

  it("a refused clear_quota leaves the ledger as it was, and is audited", async () => {
    const ticket = await slot("jsapi_ticket");
    const { clearQuota } = await import("./clear-quota");
    const clearedAt = (await db.vendorApp.findUniqueOrThrow({ where: { id: ticket.appRef } })).quotaClearedAt;
    await h.control("/__sandbox/faults", { endpoint: "wechat /cgi-bin/clear_quota/v2", mode: "bad-config", times: 1 });
    await expect(clearQuota({ appRef: ticket.appRef, actor: "admin" })).rejects.toMatchObject({ kind: "upstream" });
    expect((await db.vendorApp.findUniqueOrThrow({ where: { id: ticket.appRef } })).quotaClearedAt).toEqual(clearedAt);
    expect(await db.auditEvent.count({ where: { action: "app.clear-quota", outcome: { startsWith: "failed" } } })).toBe(1);
  });

  it("a database that refuses to record the call is a database error (503), not WeChat's refusal, and warns that the counters may be reset", async () => {
    const ticket = await slot("jsapi_ticket");
    const { clearQuota } = await import("./clear-quota");
    const allow = await refuseInserts(db, "sqlite", "UpstreamCall");
    try {
      const refused = clearQuota({ appRef: ticket.appRef, actor: "admin" });
      await expect(refused).rejects.toMatchObject({ kind: "unavailable", title: "Database error during clear_quota", extra: { failure: "database" } });
      await expect(refused).rejects.toThrow(/WeChat may have reset the counters: check today's quota before calling it again/);
    } finally {
      await allow();
    }
    const audit = await db.auditEvent.findFirstOrThrow({ where: { action: "app.clear-quota" }, orderBy: { at: "desc" } });
    expect(audit.outcome).toBe("failed: database");
    expect(audit.detail).not.toMatch(/\n/);
  });

  it("WeChat reset the counters but the database did not take it: the error says not to call clear_quota again, and the ledger is as it was", async () => {
    const ticket = await slot("jsapi_ticket");
    const { clearQuota } = await import("./clear-quota");
    const before = (await db.vendorApp.findUniqueOrThrow({ where: { id: ticket.appRef } })).quotaClearedAt;
    const calls = (await h.stats()).calls["wechat /cgi-bin/clear_quota/v2"] ?? 0;
    // The recording transaction writes its audit row last: refused, the whole record rolls back.
    const allow = await refuseInserts(db, "sqlite", "AuditEvent");
    try {
      const refused = clearQuota({ appRef: ticket.appRef, actor: "admin" });
      // Not "try again shortly" (409, no Retry-After): trying again is what must not happen.
      await expect(refused).rejects.toMatchObject({
        kind: "conflict",
        title: "clear_quota done at WeChat, not recorded",
        extra: { failure: "database", clearedAtWechat: true },
        retryAfterSeconds: undefined,
      });
      await expect(refused).rejects.toThrow(/WeChat reset the app's counters, but the database did not take it .*: do not call clear_quota again/);
    } finally {
      await allow();
    }
    expect((await h.stats()).calls["wechat /cgi-bin/clear_quota/v2"]).toBe(calls + 1);
    expect((await db.vendorApp.findUniqueOrThrow({ where: { id: ticket.appRef } })).quotaClearedAt).toEqual(before);
  });
});
