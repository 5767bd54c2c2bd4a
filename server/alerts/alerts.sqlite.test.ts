// Alerts end to end on a real database and the real sandbox: what fires (bad-config at the first
// failure, 45009 with the moment clients break), acknowledge/silence with their audit rows, and
// delivery to Feishu, DingTalk and WeCom fakes that verify each bot's documented signature.
import { createHmac } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { nextVendorDayStart, vendorDay } from "@/lib/vendor-day";
import { startHarness, type Harness } from "@/test-support/engine-harness";

type Received = { bot: string; status: "firing" | "resolved" | "?"; text: string; signatureOk: boolean };

const FEISHU_SECRET = "feishu-bot-secret";
const DINGTALK_SECRET = "SECdingtalk-bot-secret";

/** A loopback chat bot that checks what the real one checks and answers as it does. */
function fakeBot(name: "feishu" | "dingtalk" | "wecom", got: Received[]): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    let raw = "";
    req.on("data", (d) => (raw += d));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://x");
      const body = JSON.parse(raw) as Record<string, unknown>;
      let ok = false;
      let text = "";
      if (name === "feishu") {
        // string_to_sign = timestamp + "\n" + secret is the HMAC key; the message is empty.
        const ts = String(body.timestamp);
        const expected = createHmac("sha256", `${ts}\n${FEISHU_SECRET}`).update("").digest("base64");
        ok = body.sign === expected && Math.abs(Date.now() / 1000 - Number(ts)) < 3600 && body.msg_type === "text";
        text = String((body.content as { text?: string })?.text ?? "");
      } else if (name === "dingtalk") {
        const ts = url.searchParams.get("timestamp") ?? "";
        const expected = createHmac("sha256", DINGTALK_SECRET).update(`${ts}\n${DINGTALK_SECRET}`).digest("base64");
        ok =
          url.searchParams.get("access_token") === "ding-token" &&
          url.searchParams.get("sign") === expected &&
          Math.abs(Date.now() - Number(ts)) < 3_600_000 &&
          body.msgtype === "text";
        text = String((body.text as { content?: string })?.content ?? "");
      } else {
        ok = url.searchParams.get("key") === "wecom-key" && body.msgtype === "markdown";
        text = String((body.markdown as { content?: string })?.content ?? "");
      }
      const status = /FIRING/.test(text) ? "firing" : /RESOLVED/.test(text) ? "resolved" : "?";
      got.push({ bot: name, status, text, signatureOk: ok });
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(name === "feishu" ? (ok ? { code: 0, msg: "success" } : { code: 19021, msg: "sign match fail" }) : { errcode: ok ? 0 : 310000 }));
    });
  });
  return new Promise((r) => server.listen(0, "127.0.0.1", () => r(server)));
}

/** A loopback webhook that answers 503 to the first `failFirst` posts it gets, then 200. */
function flakyWebhook(log: number[], failFirst: () => number): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      log.push(Date.now());
      res.writeHead(log.length <= failFirst() ? 503 : 200).end();
    });
  });
  return new Promise((r) => server.listen(0, "127.0.0.1", () => r(server)));
}

describe("alerts on sqlite", () => {
  let h: Harness;
  const got: Received[] = [];
  const bots: http.Server[] = [];
  const flakyPosts: number[] = [];
  let flakyFails = 0;
  let db: Awaited<ReturnType<typeof import("@/server/db").getDb>>;
  let evaluate: typeof import("./alerts").evaluateAlerts;
  let list: typeof import("./alerts").listAlerts;
  let refresh: typeof import("@/server/tickets/refresh-credential").refreshCredential;
  let creds: typeof import("@/server/tickets/list-credentials").listCredentials;
  const slot = (kind: string) => db.credential.findFirstOrThrow({ where: { kind, app: { appId: "wx000000000000demo" } } });

  beforeAll(async () => {
    for (const name of ["feishu", "dingtalk", "wecom"] as const) bots.push(await fakeBot(name, got));
    bots.push(await flakyWebhook(flakyPosts, () => flakyFails));
    const host = (i: number) => `127.0.0.1:${(bots[i]!.address() as AddressInfo).port}`;
    Object.assign(process.env, {
      TICKETHUB_ALLOWED_WEBHOOK_HOSTS: [0, 1, 2, 3].map(host).join(","),
      TICKETHUB_ALERT_FEISHU_URL: `http://${host(0)}/open-apis/bot/v2/hook/abc`,
      TICKETHUB_ALERT_FEISHU_SECRET: FEISHU_SECRET,
      TICKETHUB_ALERT_DINGTALK_URL: `http://${host(1)}/robot/send?access_token=ding-token`,
      TICKETHUB_ALERT_DINGTALK_SECRET: DINGTALK_SECRET,
      TICKETHUB_ALERT_WECOM_URL: `http://${host(2)}/cgi-bin/webhook/send?key=wecom-key`,
      // The longest tick allowed: in this file only a failed refresh itself (or a test) evaluates alerts.
      TICKETHUB_ALERT_INTERVAL_MS: "600000",
    });
    h = await startHarness("sqlite");
    db = (await import("@/server/db")).getDb();
    ({ evaluateAlerts: evaluate, listAlerts: list } = await import("./alerts"));
    refresh = (await import("@/server/tickets/refresh-credential")).refreshCredential;
    creds = (await import("@/server/tickets/list-credentials")).listCredentials;
  }, 120_000);
  afterAll(async () => {
    await h?.close();
    for (const b of bots) b.close();
  });
  beforeEach(async () => {
    await h.control("/__sandbox/reset");
    got.length = 0;
  });

  it("a bad configuration alerts at its first failure; each bot gets one signed firing and one signed resolution", async () => {
    const token = await slot("access_token");
    await h.control("/__sandbox/faults", { endpoint: "wechat /cgi-bin/token", mode: "bad-config", times: 1 });
    expect(await refresh({ credentialId: token.id, reason: "test" })).toMatchObject({ ok: false, failure: "bad-config" });
    expect((await slot("access_token")).consecutiveFailures).toBe(1);
    expect(await evaluate()).toMatchObject({ opened: 1 });
    // Evaluated again (every tick): still one incident, no second message.
    await evaluate();
    const open = (await list()).open.find((a) => a.credentialId === token.id)!;
    expect(open).toMatchObject({ kind: "bad-config", notified: true, deliveryError: null });
    expect(open.runbook).toMatchObject({ title: "Whitelist this server's outbound IP" });
    expect(open.runbook!.addresses!.length).toBeGreaterThan(0);

    expect(await refresh({ credentialId: token.id, reason: "test" })).toMatchObject({ ok: true });
    expect(await evaluate()).toMatchObject({ resolved: 1 });
    await evaluate();
    for (const bot of ["feishu", "dingtalk", "wecom"]) {
      const mine = got.filter((g) => g.bot === bot);
      expect(mine.map((g) => g.status)).toEqual(["firing", "resolved"]);
      expect(mine.every((g) => g.signatureOk)).toBe(true);
      expect(mine[0]!.text).toMatch(/access token.*no valid value: clients are failing now/i);
      expect(mine[0]!.text).toContain("Runbook: Whitelist this server's outbound IP");
    }
  });

  it("a failed refresh opens its alert at once, not at the next tick (10 min here); the tick after it sends nothing more", async () => {
    const { startAlerts } = await import("./alerts");
    const stop = startAlerts();
    try {
      const token = await slot("access_token");
      await h.control("/__sandbox/faults", { endpoint: "wechat /cgi-bin/token", mode: "bad-config", times: 1 });
      expect(await refresh({ credentialId: token.id, reason: "test" })).toMatchObject({ ok: false, failure: "bad-config" });
      // The failure is what evaluates: the alert is open and every bot told, long before any tick.
      await vi.waitFor(async () => expect((await list()).open.find((a) => a.credentialId === token.id)).toMatchObject({ kind: "bad-config", notified: true }), {
        timeout: 10_000,
        interval: 50,
      });
      expect(got.map((g) => g.status)).toEqual(["firing", "firing", "firing"]);
      // The safety-net tick finds it open: no second message.
      expect(await evaluate()).toMatchObject({ opened: 0, resolved: 0 });
      expect(await refresh({ credentialId: token.id, reason: "test" })).toMatchObject({ ok: true });
      expect(await evaluate()).toMatchObject({ resolved: 1 });
      for (const bot of ["feishu", "dingtalk", "wecom"]) {
        expect(got.filter((g) => g.bot === bot).map((g) => [g.status, g.signatureOk])).toEqual([
          ["firing", true],
          ["resolved", true],
        ]);
      }
    } finally {
      stop();
    }
  });

  it("45009 on getticket: the ticket is at risk with the moment it breaks, the alert opens, acknowledge and silence are audited", async (ctx) => {
    const ticket = await slot("jsapi_ticket");
    // A ticket that dies before the vendors' next day starts, whatever the time of day now.
    const untilReset = Math.floor((nextVendorDayStart(new Date()).getTime() - Date.now()) / 1000);
    // In the vendors' last two minutes no ticket can die before their next day: nothing is at risk.
    if (untilReset < 120) ctx.skip();
    await h.control("/__sandbox/next-lifetime", { endpoint: "wechat /cgi-bin/ticket/getticket", expiresIn: Math.max(30, Math.min(1800, untilReset - 60)) });
    expect(await refresh({ credentialId: ticket.id, reason: "test" })).toMatchObject({ ok: true });
    await h.control("/__sandbox/faults", { endpoint: "wechat /cgi-bin/ticket/getticket", mode: "quota", times: 1 });
    expect(await refresh({ credentialId: ticket.id, reason: "test" })).toMatchObject({ ok: false, failure: "quota-exhausted" });

    const view = (await creds({ credentialId: ticket.id }))[0]!;
    expect(view.impact).toMatchObject({ atRisk: true, state: "failing", breaksAt: view.current!.expiresAt });
    expect(Date.parse(view.impact.refreshPossibleAt!)).toBe(nextVendorDayStart(new Date()).getTime());

    await evaluate();
    // Near the vendors' midnight the short-lived ticket is also "expiring": that alert may be open too.
    const alert = (await list()).open.find((a) => a.credentialId === ticket.id && a.kind === "quota-exhausted")!;
    expect(alert).toMatchObject({ kind: "quota-exhausted" });
    expect(alert.message).toContain("clients break at");
    expect(alert.runbook).toMatchObject({ action: "clear-quota" });

    const { acknowledgeAlert, silenceAlert } = await import("./manage-alerts");
    await acknowledgeAlert({ id: alert.id, actor: "operator" });
    await silenceAlert({ id: alert.id, minutes: 60, actor: "operator" });
    const after = (await list()).open.find((a) => a.id === alert.id)!;
    expect(after).toMatchObject({ acknowledgedBy: "operator", silencedBy: "operator" });
    expect(Date.parse(after.silencedUntil!)).toBeGreaterThan(Date.now() + 59 * 60_000);
    const audit = await db.auditEvent.findMany({ where: { action: { startsWith: "alert." } }, orderBy: { at: "asc" } });
    expect(audit.map((a) => [a.action, a.actor, a.target])).toEqual([
      ["alert.acknowledge", "operator", ticket.id],
      ["alert.silence", "operator", ticket.id],
    ]);

    // clear_quota (admin): the sandbox resets the app's counters and the paused ticket is due now.
    const { clearQuota } = await import("@/server/quota/clear-quota");
    expect(await clearQuota({ appRef: ticket.appRef, actor: "admin" })).toMatchObject({ resumed: expect.any(Number) });
    // Until its refresh succeeds the alert stays open, marked cleared: its Clear quota is not offered again.
    const cleared = (await list()).open.find((a) => a.id === alert.id)!;
    expect(Date.parse(cleared.quotaClearedAt!)).toBeGreaterThanOrEqual(Date.parse(cleared.openedAt));
    expect(after.quotaClearedAt).toBeNull();
    expect((await slot("jsapi_ticket")).nextRefreshAt!.getTime()).toBeLessThanOrEqual(Date.now() + 1000);
    expect(await db.auditEvent.count({ where: { action: "app.clear-quota", outcome: "ok" } })).toBe(1);
    expect((await h.stats()).calls["wechat /cgi-bin/clear_quota/v2"]).toBe(1);
    // The scheduler's quota check lets the ticket through again (it re-paused it until the reset before).
    const { quotaBlock } = await import("@/server/quota/quota");
    const app = await db.vendorApp.findUniqueOrThrow({ where: { id: ticket.appRef } });
    expect(await quotaBlock(db, app, "/cgi-bin/ticket/getticket", new Date())).toBeNull();
    expect(await refresh({ credentialId: ticket.id, reason: "test" })).toMatchObject({ ok: true });
    // Resolved while silenced: no message reaches the bots.
    got.length = 0;
    await evaluate();
    expect((await list()).open.find((a) => a.id === alert.id)).toBeUndefined();
    expect(got.filter((g) => g.status === "resolved")).toHaveLength(0);
  });

  it("an app's own channel: stored encrypted, shown as type and host, secret kept when left out; a bad signature is a failed delivery", async () => {
    const { setAppAlertChannel } = await import("./app-channel");
    const { listApps } = await import("@/server/apps/manage-apps");
    const app = await db.vendorApp.findFirstOrThrow({ where: { appId: "wx000000000000demo" } });
    const port = (bots[0]!.address() as AddressInfo).port;
    const url = `http://127.0.0.1:${port}/open-apis/bot/v2/hook/app-own-key`;
    await expect(setAppAlertChannel({ id: app.id, channel: { type: "feishu", url: "http://10.0.0.9/x" }, actor: "admin" })).rejects.toMatchObject({
      field: "channel.url",
    });
    // A wrong secret: the fake Feishu bot refuses the signature, as the real one does (code 19021).
    await setAppAlertChannel({ id: app.id, channel: { type: "feishu", url, secret: "not-the-bot-secret" }, actor: "admin" });
    const stored = (await db.vendorApp.findUniqueOrThrow({ where: { id: app.id } })).alertChannelEnc!;
    expect(stored).not.toContain("app-own-key");
    expect(stored).not.toContain("not-the-bot-secret");
    const shown = (await listApps({ role: "admin" })).find((a) => a.id === app.id)!;
    expect(shown.alertChannel).toEqual({ type: "feishu", host: `127.0.0.1:${port}`, signed: true });
    expect(JSON.stringify(shown)).not.toContain("app-own-key");
    // Left out, the stored secret stays.
    await setAppAlertChannel({ id: app.id, channel: { type: "feishu", url }, actor: "admin" });
    expect((await listApps({ role: "viewer" })).find((a) => a.id === app.id)!.alertChannel).toMatchObject({ signed: true });

    const token = await slot("access_token");
    await h.control("/__sandbox/faults", { endpoint: "wechat /cgi-bin/token", mode: "bad-config", times: 1 });
    await refresh({ credentialId: token.id, reason: "test" });
    await evaluate();
    const open = (await list()).open.find((a) => a.credentialId === token.id)!;
    // The global bots got it; the app's own (wrong secret) refused it and the alert says so, as a class only.
    expect(open.notified).toBe(true);
    expect(open.deliveryError).toBe("delivery failed: the bot refused it (code 19021)");
    expect(got.filter((g) => g.bot === "feishu").map((g) => g.signatureOk)).toEqual([true, false]);
    await refresh({ credentialId: token.id, reason: "test" });
    await evaluate();
    await setAppAlertChannel({ id: app.id, channel: null, actor: "admin" });
    expect(await db.auditEvent.count({ where: { action: "app.alert-channel", target: app.id } })).toBe(3);
  });

  it("a webhook that fails once and takes the retry: the alert is delivered with no delivery error; one that never takes it keeps its error", async () => {
    const { setAppAlertChannel } = await import("./app-channel");
    const app = await db.vendorApp.findFirstOrThrow({ where: { appId: "wx000000000000demo" } });
    await setAppAlertChannel({
      id: app.id,
      channel: { type: "webhook", url: `http://127.0.0.1:${(bots[3]!.address() as AddressInfo).port}/hook` },
      actor: "admin",
    });
    const token = await slot("access_token");
    const openWith = async (fails: number) => {
      flakyPosts.length = 0;
      flakyFails = fails;
      await h.control("/__sandbox/faults", { endpoint: "wechat /cgi-bin/token", mode: "bad-config", times: 1 });
      await refresh({ credentialId: token.id, reason: "test" });
      await evaluate();
      return (await list()).open.find((a) => a.credentialId === token.id)!;
    };
    const resolve = async () => {
      await refresh({ credentialId: token.id, reason: "test" });
      await evaluate();
    };
    try {
      // 503, then 200 a second later: got through.
      const retried = await openWith(1);
      expect(flakyPosts).toHaveLength(2);
      expect(retried.notified).toBe(true);
      expect(retried.deliveryError).toBeNull();
      await resolve();
      // 503 at every try (3): the error stays, though the global bots got it.
      const failed = await openWith(99);
      expect(flakyPosts.length).toBeGreaterThanOrEqual(3);
      expect(failed.notified).toBe(true);
      expect(failed.deliveryError).toBe("delivery failed: HTTP 503");
    } finally {
      // Resolved whatever happened above: the later tests start with no open incident of this token.
      flakyFails = 0;
      await resolve();
      await setAppAlertChannel({ id: app.id, channel: null, actor: "admin" });
    }
  }, 30_000);

  it("judges only the credentials that can raise a condition: none when all is well, each trouble when it comes, the same conditions as judging all", async () => {
    const { alertCandidates } = await import("./candidates");
    const { currentConditions, conditionsOf } = await import("./alerts");
    const { getConfig } = await import("@/server/config");
    const thresholds = getConfig().alerts;
    // Every demo credential with a fresh value, tokens first; no call recorded today.
    const all = await db.credential.findMany({ include: { app: true } });
    all.sort((a, b) => Number(b.kind === "access_token") - Number(a.kind === "access_token"));
    for (const c of all) expect(await refresh({ credentialId: c.id, reason: "test" }), `${c.app.vendor} ${c.kind}`).toMatchObject({ ok: true });
    await db.upstreamCall.deleteMany();
    const candidates = async () => new Set(await alertCandidates(db, new Date(), thresholds));
    const judgedAll = async () =>
      conditionsOf(await creds(), Date.now())
        .map((c) => c.key)
        .sort();
    expect(await candidates()).toEqual(new Set());
    expect(await currentConditions()).toEqual([]);

    const of = (vendor: string, kind: string) => all.find((c) => c.app.vendor === vendor && c.kind === kind)!;
    const inMinutes = (m: number) => new Date(Date.now() + m * 60_000);
    const current = async (vendor: string, kind: string) => (await db.credential.findUniqueOrThrow({ where: { id: of(vendor, kind).id } })).currentVersionId!;
    // A value ending within the margin (300 s), and a FaceID token whose SIGN ticket dies with it.
    await db.credentialVersion.update({ where: { id: await current("feishu", "access_token") }, data: { expiresAt: inMinutes(2) } });
    const sign = of("faceid", "sign_ticket");
    const signVersion = await db.credentialVersion.findUniqueOrThrow({ where: { id: await current("faceid", "sign_ticket") } });
    expect(signVersion.expiresAt.getTime()).toBeGreaterThan(inMinutes(10).getTime());
    await db.credentialVersion.update({ where: { id: signVersion.parentVersionId! }, data: { expiresAt: inMinutes(3) } });
    // A failure that alerts nothing yet (1 of 3), the vendor's quota refusal today, and an app's own limit reached.
    await db.credential.update({ where: { id: of("yzb", "access_token").id }, data: { consecutiveFailures: 1 } });
    const call = { method: "GET", day: vendorDay(new Date()), startedAt: new Date(), latencyMs: 1 };
    const wechat = of("wechat", "access_token").app;
    await db.upstreamCall.create({
      data: { ...call, appRef: wechat.id, vendor: "wechat", endpoint: "/cgi-bin/ticket/getticket", errorClass: "quota-exhausted" },
    });
    const feishu = of("feishu", "access_token").app;
    await db.vendorApp.update({ where: { id: feishu.id }, data: { policy: JSON.stringify({ quotas: { "/open-apis/jssdk/ticket/get": 1 } }) } });
    await db.upstreamCall.create({ data: { ...call, appRef: feishu.id, vendor: "feishu", endpoint: "/open-apis/jssdk/ticket/get" } });

    const expected = [
      of("feishu", "access_token").id,
      sign.id,
      of("faceid", "access_token").id,
      of("yzb", "access_token").id,
      ...all.filter((c) => c.appRef === wechat.id || c.appRef === feishu.id).map((c) => c.id),
    ];
    expect(await candidates()).toEqual(new Set(expected));
    const keys = (await currentConditions()).map((c) => c.key).sort();
    expect(keys).toEqual(await judgedAll());
    expect(keys).toEqual(
      expect.arrayContaining([
        `expiring:${of("feishu", "access_token").id}`,
        `expiring:${sign.id}`,
        `expiring:${of("faceid", "access_token").id}`,
        `quota:${feishu.id}|/open-apis/jssdk/ticket/get`,
      ]),
    );

    // Calls to a published limit (WeChat's 2,000 tokens a day) make the app a candidate from 80 % on.
    await db.upstreamCall.deleteMany();
    await db.vendorApp.update({ where: { id: feishu.id }, data: { policy: "{}" } });
    const token = { ...call, appRef: wechat.id, vendor: "wechat", endpoint: "/cgi-bin/token" };
    await db.upstreamCall.createMany({ data: Array.from({ length: 1599 }, () => token) });
    expect([...(await candidates())].some((id) => all.find((c) => c.id === id)!.appRef === wechat.id)).toBe(false);
    await db.upstreamCall.create({ data: token });
    expect(await candidates()).toEqual(
      new Set([...expected.filter((id) => all.find((c) => c.id === id)!.appRef !== feishu.id), of("feishu", "access_token").id]),
    );
    expect((await currentConditions()).map((c) => c.key).sort()).toEqual(expect.arrayContaining([`quota:${wechat.id}|/cgi-bin/token`]));
    expect((await currentConditions()).map((c) => c.key).sort()).toEqual(await judgedAll());
    await db.upstreamCall.deleteMany();
  });

  it("a credential mid-refresh opens no at-risk alert until the refresh ends: a 45009 on record before the ticket's failure is one incident, not an at-risk one too", async (ctx) => {
    const { acquireLease, releaseLease } = await import("@/server/tickets/lease");
    const ticket = await slot("jsapi_ticket");
    const start = new Date();
    const untilReset = Math.floor((nextVendorDayStart(new Date()).getTime() - Date.now()) / 1000);
    // In the vendors' last two minutes no ticket can die before their next day: nothing is at risk.
    if (untilReset < 120) ctx.skip();
    await h.control("/__sandbox/next-lifetime", { endpoint: "wechat /cgi-bin/ticket/getticket", expiresIn: Math.max(30, Math.min(1800, untilReset - 60)) });
    expect(await refresh({ credentialId: ticket.id, reason: "test" })).toMatchObject({ ok: true });
    // What a refresh that gets 45009 has written when it holds the lease and its vendor call is on
    // record (vendor-context.ts) but its failure is not yet (record-failure.ts): the app's getticket
    // quota is used up and the ticket, still active, dies before the vendors' next day.
    const owner = "other-instance:in-flight";
    expect(await acquireLease(db, ticket.id, owner)).toBe(true);
    const ofTicket = async () => (await list()).open.filter((a) => a.credentialId === ticket.id).map((a) => a.kind);
    try {
      await db.upstreamCall.createMany({
        data: {
          appRef: ticket.appRef,
          credentialId: ticket.id,
          vendor: "wechat",
          endpoint: "/cgi-bin/ticket/getticket",
          method: "GET",
          day: vendorDay(new Date()),
          startedAt: new Date(),
          latencyMs: 1,
          errorClass: "quota-exhausted",
        },
      });
      const between = (await creds({ credentialId: ticket.id }))[0]!;
      expect(between).toMatchObject({ status: "active", refreshing: true, impact: { atRisk: true } });
      await evaluate();
      expect(await ofTicket()).toEqual([]);
    } finally {
      // The refresh ends with its failure (here: the lease let go, then the real 45009 refresh).
      await releaseLease(db, ticket.id, owner);
    }
    await h.control("/__sandbox/faults", { endpoint: "wechat /cgi-bin/ticket/getticket", mode: "quota", times: 1 });
    // The failure is told (what evaluates at once, startAlerts) only once the lease is gone: told
    // before, the evaluation it starts could find the ticket still mid-refresh and open nothing.
    const { onRefreshFailed } = await import("@/server/events");
    const leaseWhenTold: Promise<unknown>[] = [];
    const stopListening = onRefreshFailed((id) => {
      if (id === ticket.id) leaseWhenTold.push(db.refreshLease.findFirst({ where: { credentialId: id } }).then((row) => row));
    });
    try {
      expect(await refresh({ credentialId: ticket.id, reason: "test" })).toMatchObject({ ok: false, failure: "quota-exhausted" });
    } finally {
      stopListening();
    }
    expect(await Promise.all(leaseWhenTold)).toEqual([null]);
    await evaluate();
    // Near the vendors' midnight the short-lived ticket is also "expiring": that alert may be open too.
    expect((await ofTicket()).filter((k) => k !== "expiring")).toEqual(["quota-exhausted"]);
    // Every incident opened for the ticket in this test (each one a FIRING to every bot, unless
    // silenced as the 45009 test above left this one): the quota's alone, never an at-risk one.
    const incidents = await db.alert.findMany({ where: { credentialId: ticket.id, openedAt: { gte: start } }, select: { kind: true } });
    expect(incidents.map((a) => a.kind).filter((k) => k !== "expiring")).toEqual(["quota-exhausted"]);

    // Put back: the ticket refreshes (the fault was for one call) and its alert resolves.
    expect(await refresh({ credentialId: ticket.id, reason: "test" })).toMatchObject({ ok: true });
    await evaluate();
    expect(await ofTicket()).toEqual([]);
  });

  it("an at-risk alert stays open while a refresh is in flight: a failing ticket waiting out its backoff is not resolved and fired again by each try", async () => {
    const { acquireLease, releaseLease } = await import("@/server/tickets/lease");
    const ticket = await slot("jsapi_ticket");
    expect(await refresh({ credentialId: ticket.id, reason: "test" })).toMatchObject({ ok: true });
    const value = (await slot("jsapi_ticket")).currentVersionId!;
    const inMinutes = (m: number) => new Date(Date.now() + m * 60_000);
    // A network failure whose retry (backoff) comes after the value ends: at risk, an alert opens.
    await db.credentialVersion.update({ where: { id: value }, data: { expiresAt: inMinutes(20) } });
    const backoff = inMinutes(30);
    await db.credential.update({
      where: { id: ticket.id },
      data: { status: "failing", lastError: "network: connection reset", lastErrorClass: "network", consecutiveFailures: 1, nextRefreshAt: backoff },
    });
    const ofTicket = async () => (await list()).open.filter((a) => a.credentialId === ticket.id).map((a) => a.kind);
    await evaluate();
    expect(await ofTicket()).toEqual(["at-risk"]);
    // A try starts (Refresh, a client's read): it holds the lease and marks the ticket due now
    // (refresh-credential.ts), so while it runs a refresh "can succeed now" and nothing is at risk.
    const owner = "this-instance:a-try";
    expect(await acquireLease(db, ticket.id, owner)).toBe(true);
    try {
      await db.credential.update({ where: { id: ticket.id }, data: { nextRefreshAt: new Date() } });
      expect((await creds({ credentialId: ticket.id }))[0]).toMatchObject({ refreshing: true, impact: { atRisk: false } });
      await evaluate();
      expect(await ofTicket()).toEqual(["at-risk"]);
    } finally {
      // It fails too: the backoff is back, the lease let go. Still the one incident, one message to each bot.
      await db.credential.update({ where: { id: ticket.id }, data: { nextRefreshAt: backoff, consecutiveFailures: 2 } });
      await releaseLease(db, ticket.id, owner);
    }
    await evaluate();
    expect(await ofTicket()).toEqual(["at-risk"]);
    expect(got.filter((g) => /jsapi ticket/i.test(g.text)).map((g) => [g.bot, g.status])).toEqual([
      ["feishu", "firing"],
      ["dingtalk", "firing"],
      ["wecom", "firing"],
    ]);
    // Put back: a good refresh ends it.
    expect(await refresh({ credentialId: ticket.id, reason: "test" })).toMatchObject({ ok: true });
    await evaluate();
    expect(await ofTicket()).toEqual([]);
  });

  it("an app's quota alert says whose limit it is: at WeChat's published one, clear_quota (which resolves it); at the app's own, the Apps page", async (ctx) => {
    // The day's calls are counted until the vendors' midnight: not across it.
    if (nextVendorDayStart(new Date()).getTime() - Date.now() < 120_000) ctx.skip();
    const token = await slot("access_token");
    const call = {
      method: "GET",
      day: vendorDay(new Date()),
      startedAt: new Date(),
      latencyMs: 1,
      appRef: token.appRef,
      vendor: "wechat",
      endpoint: "/cgi-bin/token",
    };
    await db.upstreamCall.deleteMany();
    // 80 % of the 2,000 tokens a day WeChat publishes.
    await db.upstreamCall.createMany({ data: Array.from({ length: 1600 }, () => call) });
    await evaluate();
    const quotaAlert = async () => (await list()).open.find((a) => a.kind === "quota" && a.appRef === token.appRef);
    expect(await quotaAlert()).toMatchObject({
      credentialId: null,
      runbook: { id: "quotaWechatCount", action: "clear-quota", href: null },
    });
    // The chat bots get the same runbook with the alert.
    const firing = got.filter((g) => g.status === "firing" && g.text.includes("/cgi-bin/token"));
    expect(firing.map((g) => g.bot).sort()).toEqual(["dingtalk", "feishu", "wecom"]);
    for (const g of firing) expect(g.text).toContain("Runbook: WeChat's daily quota low or used up");
    // The same alert once the app sets a limit of its own: raising it on the Apps page helps too.
    await db.vendorApp.update({ where: { id: token.appRef }, data: { policy: JSON.stringify({ quotas: { "/cgi-bin/token": 1700 } }) } });
    expect(await quotaAlert()).toMatchObject({ runbook: { id: "quotaAppLimitWechat", action: "clear-quota", href: "/apps" } });
    await db.vendorApp.update({ where: { id: token.appRef }, data: { policy: "{}" } });
    // The runbook's action: WeChat resets the app's counters, Ticket Hub's count starts again, and the
    // alert resolves at once (judged on the clear, not at the next tick: 10 min here), the button with it.
    const { clearQuota } = await import("@/server/quota/clear-quota");
    const { startAlerts } = await import("./alerts");
    const stop = startAlerts();
    try {
      await clearQuota({ appRef: token.appRef, actor: "admin" });
      await vi.waitFor(async () => expect(await quotaAlert()).toBeUndefined(), { timeout: 10_000, interval: 50 });
    } finally {
      stop();
    }
    await db.upstreamCall.deleteMany();
  });
});
