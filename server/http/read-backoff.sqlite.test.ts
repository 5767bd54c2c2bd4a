// A consumer read of a value about to run out refreshes it first; when that refresh fails, the
// reads that follow leave the vendor alone until the retry the failure policy set (backoff, the
// vendor's Retry-After): they serve the stored value while it is valid, then 503 with Retry-After,
// and make no vendor call. Before, each read during a vendor outage was one more vendor call.
import { afterAll, beforeAll, describe, expect, it, onTestFinished, vi } from "vitest";
import { startHarness, type Harness } from "@/test-support/engine-harness";

describe("consumer reads while the vendor fails (SQLite)", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness("sqlite");
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  it("a read after a failed refresh waits for the policy's retry: the stored value while valid, then 503, and no vendor call", async () => {
    const db = (await import("@/server/db")).getDb();
    const { now } = await import("@/server/clock");
    const keys = await import("@/server/consumer/api-keys");
    const { refreshCredential } = await import("@/server/tickets/refresh-credential");
    const { readCredential } = await import("./consumer");
    const app = await db.vendorApp.findUniqueOrThrow({ where: { vendor_appId: { vendor: "wechat", appId: "wx000000000000demo" } } });
    for (const c of await db.credential.findMany({ where: { appRef: app.id, kind: { in: ["access_token", "jsapi_ticket"] } } })) {
      expect((await refreshCredential({ credentialId: c.id, reason: "test" })).ok).toBe(true);
    }
    const ticket = await db.credential.findFirstOrThrow({ where: { appRef: app.id, kind: "jsapi_ticket" } });
    const version = await db.credentialVersion.findUniqueOrThrow({ where: { id: ticket.currentVersionId! } });
    const { key } = await keys.createApiKey({ input: { name: "poller", appRefs: [app.id] }, actor: "test" });
    const read = () =>
      readCredential(new Request(`http://127.0.0.1/api/v1/apps/wechat/${app.appId}/jsapi_ticket`, { headers: { authorization: `Bearer ${key}` } }), {
        vendor: "wechat",
        appId: app.appId,
        kind: "jsapi_ticket",
      });
    const ticketCalls = async () => ((await h.stats()) as { calls: Record<string, number> }).calls["wechat /cgi-bin/ticket/getticket"] ?? 0;
    const expireIn = (ms: number) => db.credentialVersion.update({ where: { id: version.id }, data: { expiresAt: new Date(now().getTime() + ms) } });

    // The vendor answers every ticket call "system busy" (-1), and the stored ticket has 30 s left: below the minute a read needs.
    await h.control("/__sandbox/reset");
    await h.control("/__sandbox/faults", { endpoint: "wechat /cgi-bin/ticket/getticket", mode: "busy" });
    await expireIn(30_000);
    const first = await read();
    expect(first.status).toBe(200);
    expect((await first.json()).generation).toBe(version.generation);
    const afterFirst = await ticketCalls();
    expect(afterFirst).toBeGreaterThan(0); // the first read tried
    const failed = await db.credential.findUniqueOrThrow({ where: { id: ticket.id } });
    expect(failed.status).toBe("failing");
    expect(failed.nextRefreshAt!.getTime()).toBeGreaterThan(now().getTime());

    // Twenty more reads within the backoff: the stored ticket, still valid, and no vendor call.
    for (let i = 0; i < 20; i++) {
      const r = await read();
      expect(r.status).toBe(200);
      expect((await r.json()).generation).toBe(version.generation);
    }
    expect(await ticketCalls()).toBe(afterFirst);

    // Once it has run out: 503 naming the failure, Retry-After at the policy's retry, still no call.
    await expireIn(-1_000);
    const gone = await read();
    expect(gone.status).toBe(503);
    expect((await gone.json()).failure).toBe(failed.lastErrorClass);
    const retryAfter = Number(gone.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(Math.ceil((failed.nextRefreshAt!.getTime() - failed.lastErrorAt!.getTime()) / 1000));
    expect(await ticketCalls()).toBe(afterFirst);

    // The retry is due (as the scheduler would find it): the next read tries again, and gets the new ticket once the vendor answers.
    await h.control("/__sandbox/reset");
    await db.credential.update({ where: { id: ticket.id }, data: { nextRefreshAt: new Date(now().getTime() - 1) } });
    const back = await read();
    expect(back.status).toBe(200);
    expect((await back.json()).generation).toBe(version.generation + 1);
  });

  it("after a configuration error, reads make no vendor call for 5 minutes, then one tries again", async () => {
    const db = (await import("@/server/db")).getDb();
    const { now } = await import("@/server/clock");
    const keys = await import("@/server/consumer/api-keys");
    const { refreshCredential } = await import("@/server/tickets/refresh-credential");
    const { recordFailure } = await import("@/server/tickets/record-failure");
    const { readCredential } = await import("./consumer");
    const app = await db.vendorApp.findUniqueOrThrow({ where: { vendor_appId: { vendor: "feishu", appId: "cli_demo000000000000" } } });
    const ticket = await db.credential.findFirstOrThrow({ where: { appRef: app.id, kind: "jsapi_ticket" } });
    expect((await refreshCredential({ credentialId: ticket.id, reason: "test" })).ok).toBe(true);
    const { key } = await keys.createApiKey({ input: { name: "poller 2", appRefs: [app.id] }, actor: "test" });
    const read = () =>
      readCredential(new Request(`http://127.0.0.1/api/v1/apps/feishu/${app.appId}/jsapi_ticket`, { headers: { authorization: `Bearer ${key}` } }), {
        vendor: "feishu",
        appId: app.appId,
        kind: "jsapi_ticket",
      });
    // The vendor refused the app's configuration (what a wrong secret leaves): refreshing stops.
    await recordFailure(db, ticket.id, "bad-config", "app secret invalid");
    const current = await db.credential.findUniqueOrThrow({ where: { id: ticket.id } });
    await db.credentialVersion.update({ where: { id: current.currentVersionId! }, data: { expiresAt: new Date(now().getTime() - 1_000) } });
    await h.control("/__sandbox/reset");
    for (let i = 0; i < 5; i++) {
      const r = await read();
      expect(r.status).toBe(503);
      expect((await r.json()).failure).toBe("bad-config");
    }
    const calls = async () => Object.values(((await h.stats()) as { calls: Record<string, number> }).calls).reduce((a, b) => a + b, 0);
    expect(await calls()).toBe(0);
    // Five minutes after the failure (the failure policy's longest backoff) a read tries again: a
    // fix made at the vendor since (a whitelist, a secret reset there) brings the ticket back by itself.
    await db.credential.update({ where: { id: ticket.id }, data: { lastErrorAt: new Date(now().getTime() - 301_000) } });
    const back = await read();
    expect(back.status).toBe(200);
    expect(await calls()).toBe(1);
  });

  it("a wait the vendor set (a used-up daily quota) is kept by reads in full, past the 5 minutes", async () => {
    const db = (await import("@/server/db")).getDb();
    const { now } = await import("@/server/clock");
    const { recordFailure } = await import("@/server/tickets/record-failure");
    const { readBackoffMs } = await import("@/server/tickets/serve-credential");
    const app = await db.vendorApp.findUniqueOrThrow({ where: { vendor_appId: { vendor: "feishu", appId: "cli_demo000000000000" } } });
    const ticket = await db.credential.findFirstOrThrow({ where: { appRef: app.id, kind: "jsapi_ticket" } });
    await recordFailure(db, ticket.id, "quota-exhausted", "daily quota used up");
    // Six minutes later (the failure stamped back), still before the vendors' day turns.
    await db.credential.update({ where: { id: ticket.id }, data: { lastErrorAt: new Date(now().getTime() - 360_000) } });
    const paused = await db.credential.findUniqueOrThrow({ where: { id: ticket.id } });
    // One instant for every figure below: two readings of the clock may be a millisecond apart.
    const at = now().getTime();
    expect(paused.nextRefreshAt!.getTime()).toBeGreaterThan(at);
    expect(readBackoffMs(paused, at)).toBe(paused.nextRefreshAt!.getTime() - at);
    // Of our own making (a network failure), the same row waits no longer than 5 minutes: a read may try now.
    expect(readBackoffMs({ ...paused, lastErrorClass: "network" }, at)).toBeNull();
  });

  it("a ticket stopped for want of a token (the token's configuration error) is due again once the token is renewed", async () => {
    const db = (await import("@/server/db")).getDb();
    const { now } = await import("@/server/clock");
    const { refreshCredential } = await import("@/server/tickets/refresh-credential");
    const { recordFailure } = await import("@/server/tickets/record-failure");
    const { readBackoffMs } = await import("@/server/tickets/serve-credential");
    const app = await db.vendorApp.findUniqueOrThrow({ where: { vendor_appId: { vendor: "wechat", appId: "wx000000000000demo" } } });
    const token = await db.credential.findFirstOrThrow({ where: { appRef: app.id, kind: "access_token" } });
    const ticket = await db.credential.findFirstOrThrow({ where: { appRef: app.id, kind: "jsapi_ticket" } });
    // The token's refresh failed (an IP not whitelisted), and so did the ticket's, for want of it: stopped, as the token's class says.
    await recordFailure(db, token.id, "bad-config", "invalid ip 203.0.113.9, not in whitelist");
    await recordFailure(db, ticket.id, "bad-config", "access token: invalid ip 203.0.113.9, not in whitelist");
    const stopped = await db.credential.findUniqueOrThrow({ where: { id: ticket.id } });
    expect(stopped.nextRefreshAt).toBeNull();
    expect(readBackoffMs(stopped, now().getTime())).toBeGreaterThan(0);
    // Fixed at the vendor; the operator refreshes the token.
    expect((await refreshCredential({ credentialId: token.id, reason: "refresh by an operator" })).ok).toBe(true);
    const due = await db.credential.findUniqueOrThrow({ where: { id: ticket.id } });
    expect(due.nextRefreshAt!.getTime()).toBeLessThanOrEqual(now().getTime());
    expect(due.nextRefreshReason).toContain("token rotated");
    // Reads may fetch it now; the scheduler would too.
    expect(readBackoffMs(due, now().getTime())).toBeNull();
  });

  it("…and also when the vendor hands back the token already held (Feishu with 30 minutes or more left)", async () => {
    const db = (await import("@/server/db")).getDb();
    const { now } = await import("@/server/clock");
    const { refreshCredential } = await import("@/server/tickets/refresh-credential");
    const { recordFailure } = await import("@/server/tickets/record-failure");
    const app = await db.vendorApp.findUniqueOrThrow({ where: { vendor_appId: { vendor: "feishu", appId: "cli_demo000000000000" } } });
    const token = await db.credential.findFirstOrThrow({ where: { appRef: app.id, kind: "access_token" } });
    const ticket = await db.credential.findFirstOrThrow({ where: { appRef: app.id, kind: "jsapi_ticket" } });
    await h.control("/__sandbox/reset");
    // A token the vendor holds with its full two hours left.
    expect((await refreshCredential({ credentialId: token.id, reason: "test" })).ok).toBe(true);
    const held = await db.credential.findUniqueOrThrow({ where: { id: token.id } });
    await recordFailure(db, token.id, "bad-config", "app secret invalid");
    await recordFailure(db, ticket.id, "bad-config", "access token: app secret invalid");
    expect((await db.credential.findUniqueOrThrow({ where: { id: ticket.id } })).nextRefreshAt).toBeNull();
    expect((await refreshCredential({ credentialId: token.id, reason: "refresh by an operator" })).ok).toBe(true);
    // The same value came back: no new generation of the token, and yet the ticket is due.
    expect((await db.credential.findUniqueOrThrow({ where: { id: token.id } })).generation).toBe(held.generation);
    // And the refresh is over: its lease went with the write (not left to expire, "refreshing" for 30 s).
    expect(await db.refreshLease.findUnique({ where: { credentialId: token.id } })).toBeNull();
    const due = await db.credential.findUniqueOrThrow({ where: { id: ticket.id } });
    expect(due.nextRefreshAt!.getTime()).toBeLessThanOrEqual(now().getTime());
    expect(due.nextRefreshReason).toContain("token rotated");
  });

  // Last in this file: the save points the demo app at the configured sandbox address.
  it("an app saved while a refresh with its old settings is at the vendor: that refresh's configuration error leaves the credential due, as the save made it", async () => {
    const db = (await import("@/server/db")).getDb();
    const { now } = await import("@/server/clock");
    const { refreshCredential } = await import("@/server/tickets/refresh-credential");
    const { updateApp } = await import("@/server/apps/manage-apps");
    const app = await db.vendorApp.findUniqueOrThrow({ where: { vendor_appId: { vendor: "wechat", appId: "wx000000000000demo" } } });
    const token = await db.credential.findFirstOrThrow({ where: { appRef: app.id, kind: "access_token" } });
    await h.control("/__sandbox/reset");
    // The vendor refuses the old settings 3 s after the call arrives: time for the save on a busy
    // machine, and the harness's 1.5 s vendor timeout raised so that the refusal, not a timeout, ends the call.
    const config = (await import("@/server/config")).getConfig() as { upstreamTimeoutMs: number };
    const timeoutWas = config.upstreamTimeoutMs;
    config.upstreamTimeoutMs = 15_000;
    onTestFinished(() => {
      config.upstreamTimeoutMs = timeoutWas;
    });
    await h.control("/__sandbox/faults", { endpoint: "wechat /cgi-bin/token", mode: "bad-config", latencyMs: 3_000, times: 1 });
    let settled = false;
    const refreshing = refreshCredential({ credentialId: token.id, reason: "test" }).finally(() => {
      settled = true;
    });
    await vi.waitFor(async () => expect(((await h.stats()) as { calls: Record<string, number> }).calls["wechat /cgi-bin/token"]).toBe(1), {
      timeout: 5_000,
      interval: 20,
    });
    // The admin saves the corrected secret meanwhile: every credential of the app is due.
    await updateApp({
      id: app.id,
      input: { vendor: "wechat", name: app.name, appId: app.appId, secret: "demo-wechat-secret", baseUrl: "sandbox" },
      actor: "test",
    });
    expect(settled).toBe(false); // the save came before the refusal
    expect(await refreshing).toMatchObject({ ok: false, failure: "bad-config" });
    const after = await db.credential.findUniqueOrThrow({ where: { id: token.id } });
    // The failure is shown, and the credential stays due (a configuration error alone stops it: nextRefreshAt null).
    expect(after.lastErrorClass).toBe("bad-config");
    expect(after.nextRefreshAt).not.toBeNull();
    expect(after.nextRefreshAt!.getTime()).toBeLessThanOrEqual(now().getTime());
    expect(after.nextRefreshReason).toBe("app settings changed: fetch with the new ones");

    // A save that changes no setting a call is made with (a rename: the row changes, its revision with
    // it) leaves the failure policy to decide: stopped. (The app back on this test's sandbox first.)
    await db.vendorApp.update({ where: { id: app.id }, data: { baseUrl: h.sandboxUrl } });
    await h.control("/__sandbox/faults", { endpoint: "wechat /cgi-bin/token", mode: "bad-config", latencyMs: 3_000, times: 1 });
    const calls = async () => ((await h.stats()) as { calls: Record<string, number> }).calls["wechat /cgi-bin/token"] ?? 0;
    const before = await calls();
    settled = false;
    const again = refreshCredential({ credentialId: token.id, reason: "test" }).finally(() => {
      settled = true;
    });
    await vi.waitFor(async () => expect(await calls()).toBe(before + 1), { timeout: 5_000, interval: 20 });
    await db.vendorApp.update({ where: { id: app.id }, data: { name: "WeChat demo renamed" } });
    expect(settled).toBe(false);
    expect(await again).toMatchObject({ ok: false, failure: "bad-config" });
    expect((await db.credential.findUniqueOrThrow({ where: { id: token.id } })).nextRefreshAt).toBeNull();
  });
});
