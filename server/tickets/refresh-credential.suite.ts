// The lifecycle engine against a real database and the real sandbox; run on both providers
// by refresh-credential.sqlite.test.ts and refresh-credential.postgresql.test.ts.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { nextVendorDayStart } from "@/lib/vendor-day";
import { startHarness, type Harness } from "@/test-support/engine-harness";
import { refuseInserts } from "@/test-support/refuse-inserts";
import { WECHAT_BUSY_RETRY_MS } from "@/server/vendors/wechat";
import { nextRefreshAt, policyFor } from "./policy";

export function refreshSuite(provider: "sqlite" | "postgresql") {
  describe(`refreshCredential on ${provider}`, () => {
    let h: Harness;
    let db: Awaited<ReturnType<typeof loadDb>>;
    let refresh: typeof import("./refresh-credential").refreshCredential;
    let decrypt: typeof import("@/server/crypto").decrypt;
    const slot = async (kind: string) => db.credential.findFirstOrThrow({ where: { kind, app: { appId: "wx000000000000demo" } } });
    const current = async (kind: string) => {
      const s = await slot(kind);
      return s.currentVersionId ? db.credentialVersion.findUniqueOrThrow({ where: { id: s.currentVersionId } }) : null;
    };
    const calls = async (endpoint: string) => (await h.stats()).calls[`wechat ${endpoint}`] ?? 0;

    async function loadDb() {
      return (await import("@/server/db")).getDb();
    }

    beforeAll(async () => {
      h = await startHarness(provider);
      db = await loadDb();
      refresh = (await import("./refresh-credential")).refreshCredential;
      decrypt = (await import("@/server/crypto")).decrypt;
    }, 120_000);
    afterAll(async () => {
      await h?.close();
    });
    beforeEach(async () => {
      await h.control("/__sandbox/reset");
    });

    it("fetches the token first, then the ticket with it, and stores both encrypted with lineage", async () => {
      const ticketSlot = await slot("jsapi_ticket");
      const result = await refresh({ credentialId: ticketSlot.id, reason: "test" });
      expect(result).toMatchObject({ ok: true, joined: false });
      expect(await calls("/cgi-bin/token")).toBe(1);
      expect(await calls("/cgi-bin/ticket/getticket")).toBe(1);

      const ticket = (await current("jsapi_ticket"))!;
      const token = (await current("access_token"))!;
      expect(ticket.parentVersionId).toBe(token.id);
      // Version ids are what the routes that name one accept (reveal's versionId): letters and digits.
      const { idParams } = await import("@/server/http/input");
      expect(idParams.safeParse({ id: ticket.id }).success).toBe(true);
      expect(ticket.generation).toBe(1);
      expect(ticket.expiresIn).toBe(7200);
      expect(ticket.expiresAt.getTime() - ticket.fetchedAt.getTime()).toBe(7200_000);
      const value = decrypt(ticket.valueEnc);
      expect(h.sandbox.state.valid(value, "wechat", "jsapi_ticket")).not.toBeNull();
      expect(ticket.valueEnc).not.toContain(value);
      const s = await slot("jsapi_ticket");
      expect(s).toMatchObject({ status: "active", generation: 1, consecutiveFailures: 0, lastError: null });
      expect(s.nextRefreshAt!.getTime()).toBeGreaterThan(Date.now() + 4000_000);
    });

    it("makes one upstream call for 20 concurrent refreshes of the same ticket", async () => {
      const ticketSlot = await slot("jsapi_ticket");
      await h.control("/__sandbox/faults", { endpoint: "wechat /cgi-bin/ticket/getticket", latencyMs: 300 });
      const results = await Promise.all(Array.from({ length: 20 }, () => refresh({ credentialId: ticketSlot.id, reason: "test" })));
      expect(results.every((r) => r.ok)).toBe(true);
      expect(results.filter((r) => !r.joined)).toHaveLength(1);
      const stats = await h.stats();
      expect(stats.calls["wechat /cgi-bin/ticket/getticket"]).toBe(1);
      expect(stats.inFlightMax["wechat /cgi-bin/ticket/getticket"]).toBe(1);
      expect((await slot("jsapi_ticket")).generation).toBe(2);
    });

    it("a refresh that waited for another instance's lease takes that holder's failure as its own answer: no second vendor call", async () => {
      const { acquireLease, releaseLease } = await import("./lease");
      const { recordFailure } = await import("./record-failure");
      const ticketSlot = await slot("jsapi_ticket");
      const other = "other-instance:holder";
      expect(await acquireLease(db, ticketSlot.id, other)).toBe(true);
      const waiting = refresh({ credentialId: ticketSlot.id, reason: "test" });
      // The holder's vendor call failed (the vendor was busy): it records that, then lets go. (A second
      // for the waiting refresh to find the lease taken and start waiting: two queries.)
      await new Promise((r) => setTimeout(r, 1_000));
      await recordFailure(db, ticketSlot.id, "busy", "WeChat -1: system error");
      await releaseLease(db, ticketSlot.id, other);
      expect(await waiting).toMatchObject({ ok: false, joined: true, failure: "busy" });
      expect(await calls("/cgi-bin/ticket/getticket")).toBe(0);
      expect(await calls("/cgi-bin/token")).toBe(0);
      expect(await slot("jsapi_ticket")).toMatchObject({ status: "failing", consecutiveFailures: 1 });
      // A holder whose clock went back between its lease and its failure (a failure stamped before the
      // lease it was made under): still the answer, found by the failure recorded while it waited.
      await h.control("/__sandbox/reset");
      expect(await acquireLease(db, ticketSlot.id, other)).toBe(true);
      await db.refreshLease.update({ where: { credentialId: ticketSlot.id }, data: { acquiredAt: new Date(Date.now() + 60_000) } });
      const stepped = refresh({ credentialId: ticketSlot.id, reason: "test" });
      // Longer than above: only a failure recorded after the waiter's first reads counts here.
      await new Promise((r) => setTimeout(r, 3_000));
      await recordFailure(db, ticketSlot.id, "busy", "WeChat -1: system error");
      await releaseLease(db, ticketSlot.id, other);
      expect(await stepped).toMatchObject({ ok: false, joined: true, failure: "busy" });
      expect(await calls("/cgi-bin/ticket/getticket")).toBe(0);
      // A holder whose call failed with settings an admin has replaced since leaves the credential due
      // now (record-failure.ts): no answer for a refresh that will call with the new ones.
      await h.control("/__sandbox/reset");
      expect(await acquireLease(db, ticketSlot.id, other)).toBe(true);
      const afterSave = refresh({ credentialId: ticketSlot.id, reason: "test" });
      await new Promise((r) => setTimeout(r, 1_000));
      const app = await db.vendorApp.findUniqueOrThrow({ where: { id: ticketSlot.appRef } });
      await recordFailure(db, ticketSlot.id, "bad-config", "WeChat 40125: invalid appsecret", undefined, undefined, { ...app, secretEnc: "sealed-old-secret" });
      expect((await slot("jsapi_ticket")).nextRefreshAt!.getTime()).toBeLessThanOrEqual(Date.now());
      await releaseLease(db, ticketSlot.id, other);
      expect(await afterSave).toMatchObject({ ok: true, joined: false });
      expect(await calls("/cgi-bin/ticket/getticket")).toBe(1);
      // A holder that let go without recording anything (it found nothing to do) is no answer: the waiting refresh calls.
      expect(await acquireLease(db, ticketSlot.id, other)).toBe(true);
      const next = refresh({ credentialId: ticketSlot.id, reason: "test" });
      await new Promise((r) => setTimeout(r, 1_000));
      await releaseLease(db, ticketSlot.id, other);
      expect(await next).toMatchObject({ ok: true, joined: false });
      expect(await calls("/cgi-bin/ticket/getticket")).toBe(2);
    });

    it("says a credential that does not exist is not found, and leaves no lease behind", async () => {
      const { NotFoundError } = await import("./refresh-credential");
      await expect(refresh({ credentialId: "no-such-credential", reason: "test" })).rejects.toBeInstanceOf(NotFoundError);
      expect(await db.refreshLease.count({ where: { credentialId: "no-such-credential" } })).toBe(0);
    });

    it("keeps the last good ticket when the vendor is busy, records the error and backs off", async () => {
      const before = (await current("jsapi_ticket"))!;
      await h.control("/__sandbox/faults", { endpoint: "wechat /cgi-bin/ticket/getticket", mode: "busy" });
      const ticketSlot = await slot("jsapi_ticket");
      const result = await refresh({ credentialId: ticketSlot.id, reason: "test" });
      expect(result).toMatchObject({ ok: false, failure: "busy" });
      const s = await slot("jsapi_ticket");
      expect(s.status).toBe("failing");
      expect(s.lastError).toMatch(/WeChat -1: system error/);
      expect(s.consecutiveFailures).toBe(1);
      expect(s.nextRefreshAt!.getTime()).toBeGreaterThan(Date.now());
      expect(s.currentVersionId).toBe(before.id);
      const call = await db.upstreamCall.findFirstOrThrow({ where: { credentialId: ticketSlot.id }, orderBy: { startedAt: "desc" } });
      expect(call).toMatchObject({ vendorCode: "-1", errorClass: "busy", httpStatus: 200 });

      await h.control("/__sandbox/reset");
      expect((await refresh({ credentialId: ticketSlot.id, reason: "test" })).ok).toBe(true);
      expect(await slot("jsapi_ticket")).toMatchObject({ status: "active", consecutiveFailures: 0, lastError: null });
    });

    it("on 40001 renews the token once and retries the ticket", async () => {
      const oldToken = (await current("access_token"))!;
      await h.control("/__sandbox/faults", { endpoint: "wechat /cgi-bin/ticket/getticket", mode: "invalid-credential", times: 1 });
      const result = await refresh({ credentialId: (await slot("jsapi_ticket")).id, reason: "test" });
      expect(result.ok).toBe(true);
      expect(await calls("/cgi-bin/token")).toBe(1);
      expect(await calls("/cgi-bin/ticket/getticket")).toBe(2);
      const newToken = (await current("access_token"))!;
      expect(newToken.id).not.toBe(oldToken.id);
      expect((await current("jsapi_ticket"))!.parentVersionId).toBe(newToken.id);
      // The superseded token stays valid for WeChat's 5-minute overlap.
      const superseded = await db.credentialVersion.findUniqueOrThrow({ where: { id: oldToken.id } });
      expect(superseded.validUntil!.getTime() - superseded.supersededAt!.getTime()).toBe(300_000);
    });

    it("a 40001 that persists after the token was renewed twice is bad configuration, not a reason to renew again", async () => {
      const ticket = await slot("jsapi_ticket");
      await h.control("/__sandbox/faults", { endpoint: "wechat /cgi-bin/ticket/getticket", mode: "invalid-credential" });
      // First attempt: refused, the token renewed once, refused again → an ordinary retry later.
      expect(await refresh({ credentialId: ticket.id, reason: "test" })).toMatchObject({ ok: false, failure: "invalid-credential" });
      expect(await calls("/cgi-bin/token")).toBe(1);
      // Second attempt: a second fresh token refused too → stop, and say what to check.
      const second = await refresh({ credentialId: ticket.id, reason: "test" });
      expect(second).toMatchObject({ ok: false, failure: "bad-config" });
      expect(second.ok === false && second.message).toMatch(/WeChat 40001.*renewed twice.*AppSecret/);
      expect(await calls("/cgi-bin/token")).toBe(2);
      const s = await slot("jsapi_ticket");
      expect(s).toMatchObject({ status: "failing", lastErrorClass: "bad-config", nextRefreshAt: null });
      expect(s.nextRefreshReason).toMatch(/fix the app's configuration/);
      // Once fixed, the Refresh button brings it back.
      await h.control("/__sandbox/reset");
      expect((await refresh({ credentialId: ticket.id, reason: "manual" })).ok).toBe(true);
      expect(await slot("jsapi_ticket")).toMatchObject({ status: "active", consecutiveFailures: 0, lastErrorClass: null });
    });

    describe("each failure class keeps the last good ticket and serves it while valid", () => {
      const cases: {
        name: string;
        vendor: "wechat" | "feishu";
        endpoint: string;
        fault: Record<string, unknown>;
        failure: string;
        message: RegExp;
        retryWithinS: [number, number];
      }[] = [
        // WeChat's -1 asks for a retry "in a few minutes": exactly the vendor module's delay, no jitter.
        {
          name: "busy (-1)",
          vendor: "wechat",
          endpoint: "wechat /cgi-bin/ticket/getticket",
          fault: { mode: "busy" },
          failure: "busy",
          message: /WeChat -1/,
          retryWithinS: [WECHAT_BUSY_RETRY_MS / 1000, WECHAT_BUSY_RETRY_MS / 1000],
        },
        {
          name: "rate-limited (Feishu 429, x-ogw-ratelimit-reset: 2)",
          vendor: "feishu",
          endpoint: "feishu /open-apis/jssdk/ticket/get",
          fault: { mode: "rate-limited" },
          failure: "rate-limited",
          message: /Feishu 99991400/,
          retryWithinS: [1.5, 2.5],
        },
        {
          name: "quota-exhausted (45009)",
          vendor: "wechat",
          endpoint: "wechat /cgi-bin/ticket/getticket",
          fault: { mode: "quota" },
          failure: "quota-exhausted",
          message: /WeChat 45009/,
          retryWithinS: [-2, -2],
        },
        {
          name: "bad-config (40164 IP not whitelisted)",
          vendor: "wechat",
          endpoint: "wechat /cgi-bin/ticket/getticket",
          fault: { mode: "bad-config" },
          failure: "bad-config",
          message: /40164/,
          retryWithinS: [-1, -1],
        },
        {
          name: "bad-response (malformed JSON)",
          vendor: "wechat",
          endpoint: "wechat /cgi-bin/ticket/getticket",
          fault: { mode: "malformed" },
          failure: "bad-response",
          message: /not JSON/,
          retryWithinS: [3, 7],
        },
        {
          name: "bad-response (HTML content type)",
          vendor: "wechat",
          endpoint: "wechat /cgi-bin/ticket/getticket",
          fault: { mode: "wrong-content-type" },
          failure: "bad-response",
          message: /content-type text\/html/,
          retryWithinS: [3, 7],
        },
        {
          name: "network (HTTP 500)",
          vendor: "wechat",
          endpoint: "wechat /cgi-bin/ticket/getticket",
          fault: { mode: "http-500" },
          failure: "network",
          message: /HTTP 500/,
          retryWithinS: [3, 7],
        },
        {
          name: "network (timeout)",
          vendor: "wechat",
          endpoint: "wechat /cgi-bin/ticket/getticket",
          fault: { mode: "timeout" },
          failure: "network",
          message: /no answer within 1500 ms/,
          retryWithinS: [3, 7],
        },
      ];
      for (const c of cases) {
        it(c.name, async () => {
          const { serveCredential } = await import("./serve-credential");
          const s0 = await db.credential.findFirstOrThrow({ where: { kind: "jsapi_ticket", app: { vendor: c.vendor } } });
          // A good ticket first, then the fault.
          expect((await refresh({ credentialId: s0.id, reason: "test" })).ok).toBe(true);
          const good = await serveCredential({ appRef: s0.appRef, kind: "jsapi_ticket" });
          await h.control("/__sandbox/faults", { endpoint: c.endpoint, ...c.fault });
          const t0 = Date.now();
          const result = await refresh({ credentialId: s0.id, reason: "test" });
          expect(result).toMatchObject({ ok: false, failure: c.failure });
          const s = await db.credential.findUniqueOrThrow({ where: { id: s0.id } });
          expect(s.status).toBe("failing");
          expect(s.lastErrorClass).toBe(c.failure);
          expect(s.lastError).toMatch(c.message);
          expect(s.consecutiveFailures).toBe(1);
          if (c.retryWithinS[0] === -2) {
            // A daily quota: nothing scheduled before the vendors' day turns over (00:00 UTC+8).
            expect(s.nextRefreshAt!.toISOString()).toBe(nextVendorDayStart(new Date()).toISOString());
            expect(s.nextRefreshReason).toMatch(/paused until the vendor's daily reset/);
          } else if (c.retryWithinS[0] < 0) {
            expect(s.nextRefreshAt).toBeNull();
          } else {
            if (c.failure === "busy") expect(s.nextRefreshReason).toMatch(/retry 1 after busy in \d+ s \(the vendor asks to try again in a few minutes\)/);
            const wait = (s.nextRefreshAt!.getTime() - t0) / 1000;
            expect(wait).toBeGreaterThanOrEqual(c.retryWithinS[0]);
            expect(wait).toBeLessThanOrEqual(c.retryWithinS[1] + 2);
          }
          // The last good ticket is still the one served.
          const served = await serveCredential({ appRef: s0.appRef, kind: "jsapi_ticket" });
          expect(served.value).toBe(good.value);
          expect(served.generation).toBe(good.generation);
        });
      }
    });

    it("stops scheduling and says what to fix when the secret is wrong", async () => {
      await h.control("/__sandbox/apps", { vendor: "wechat", appId: "wx000000000000demo", secret: "rotated-elsewhere" });
      try {
        const tokenSlot = await slot("access_token");
        const result = await refresh({ credentialId: tokenSlot.id, reason: "test" });
        expect(result).toMatchObject({ ok: false, failure: "bad-config" });
        const s = await slot("access_token");
        expect(s.nextRefreshAt).toBeNull();
        expect(s.nextRefreshReason).toMatch(/fix the app's configuration/);
        // The stored upstream body never holds the secret.
        const recorded = await db.upstreamCall.findMany({ where: { credentialId: tokenSlot.id } });
        expect(recorded.length).toBeGreaterThan(0);
        for (const r of recorded) expect(r.bodyRedacted ?? "").not.toContain("demo-wechat-secret");
      } finally {
        await h.control("/__sandbox/apps", { vendor: "wechat", appId: "wx000000000000demo", secret: "demo-wechat-secret" });
      }
    });

    it("a value the database refuses to store is a `database` failure in one line, retried soon; the last good ticket stays", async () => {
      const { serveCredential } = await import("./serve-credential");
      const s0 = await slot("jsapi_ticket");
      expect((await refresh({ credentialId: s0.id, reason: "test" })).ok).toBe(true);
      const good = await serveCredential({ appRef: s0.appRef, kind: "jsapi_ticket" });
      // The vendor answers; the database then refuses every new version (as a full disk would).
      const allow = await refuseInserts(db, provider, "CredentialVersion");
      try {
        const asked = await calls("/cgi-bin/ticket/getticket");
        const t0 = Date.now();
        const result = await refresh({ credentialId: s0.id, reason: "test" });
        expect(await calls("/cgi-bin/ticket/getticket")).toBe(asked + 1);
        expect(result).toMatchObject({ ok: false, failure: "database" });
        const s = await slot("jsapi_ticket");
        // Ops read "database", not the vendor's "network", with the cause in one line.
        expect(s).toMatchObject({ status: "failing", lastErrorClass: "database", consecutiveFailures: 1 });
        // (Prisma words the refusal in its own terms: on SQLite, a trigger's abort as a constraint violation.)
        expect(s.lastError).toMatch(/credentialVersion\.\w+\(\)` invocation\b.+/);
        expect(s.lastError).not.toMatch(/\n/);
        expect(s.nextRefreshReason).toMatch(/retry 1 after database/);
        // Retried like a network failure: the first backoff step, 5 s ± 25 %.
        const wait = (s.nextRefreshAt!.getTime() - t0) / 1000;
        expect(wait).toBeGreaterThanOrEqual(3);
        expect(wait).toBeLessThanOrEqual(9);
        const served = await serveCredential({ appRef: s0.appRef, kind: "jsapi_ticket" });
        expect(served).toMatchObject({ value: good.value, generation: good.generation });
      } finally {
        await allow();
      }
      // The database back: the next refresh stores.
      expect(await refresh({ credentialId: s0.id, reason: "test" })).toMatchObject({ ok: true });
      expect(await slot("jsapi_ticket")).toMatchObject({ status: "active", consecutiveFailures: 0, lastErrorClass: null });
    });

    describe("quota ledger", () => {
      const wechatApp = () => db.vendorApp.findFirstOrThrow({ where: { appId: "wx000000000000demo" } });
      const setPolicy = async (policy: unknown) => db.vendorApp.update({ where: { id: (await wechatApp()).id }, data: { policy: JSON.stringify(policy) } });
      const view = async (kind: string) => {
        const { listCredentials } = await import("./list-credentials");
        return (await listCredentials({ credentialId: (await slot(kind)).id }))[0]!;
      };

      it("counts today's calls per endpoint against the published or configured limit", async () => {
        const before = await view("access_token");
        expect(before.quota).toMatchObject({ endpoint: "/cgi-bin/token", limit: 2000, limitSource: "vendor", exhausted: false });
        expect(await refresh({ credentialId: (await slot("access_token")).id, reason: "test" })).toMatchObject({ ok: true });
        expect((await view("access_token")).quota!.used).toBe(before.quota!.used + 1);
        // WeChat publishes no ticket limit ("very limited"): unknown until the app configures one.
        expect((await view("jsapi_ticket")).quota).toMatchObject({ endpoint: "/cgi-bin/ticket/getticket", limit: null });
        try {
          await setPolicy({ quotas: { "/cgi-bin/ticket/getticket": 1000 } });
          expect((await view("jsapi_ticket")).quota).toMatchObject({ limit: 1000, limitSource: "app" });
          expect((await view("wx_card_ticket")).quota).toMatchObject({ limit: 1000, limitSource: "app" });
        } finally {
          await setPolicy({});
        }
      });

      it("'Quota low' follows the configured share of the limit (TICKETHUB_ALERT_QUOTA_PERCENT, as the quota alert does)", async () => {
        const { quotaLedger } = await import("../quota/quota");
        const { healthOf } = await import("@/lib/health");
        for (let i = 0; i < 4; i++) expect((await refresh({ credentialId: (await slot("jsapi_ticket")).id, reason: "test" })).ok).toBe(true);
        const used = (await view("jsapi_ticket")).quota!.used;
        expect(used).toBeGreaterThanOrEqual(4);
        try {
          // The default 80 %: the largest limit `used` is 80 % of is low (and not used up); a larger one is not low.
          const lowAt = Math.floor((used * 100) / 80);
          await setPolicy({ quotas: { "/cgi-bin/ticket/getticket": lowAt } });
          const low = await view("jsapi_ticket");
          expect(low.quota).toMatchObject({ used, limit: lowAt, exhausted: false, low: true });
          expect(healthOf(low, Date.now(), 0)).toBe("quota-low");
          await setPolicy({ quotas: { "/cgi-bin/ticket/getticket": Math.floor((used * 100) / 79) + 1 } });
          const roomy = await view("jsapi_ticket");
          expect(roomy.quota).toMatchObject({ used, exhausted: false, low: false });
          expect(healthOf(roomy, Date.now(), 0)).not.toBe("quota-low");
          // Another share: the same ledger judged at 50 %.
          await setPolicy({ quotas: { "/cgi-bin/ticket/getticket": used * 2 } });
          const app = await wechatApp();
          const at50 = (await quotaLedger(db, [app], new Date(), 50)).get(app.id)!.find((q) => q.endpoint === "/cgi-bin/ticket/getticket")!;
          const at51 = (await quotaLedger(db, [app], new Date(), 51)).get(app.id)!.find((q) => q.endpoint === "/cgi-bin/ticket/getticket")!;
          expect([at50.low, at51.low]).toEqual([true, false]);
        } finally {
          await setPolicy({});
        }
      });

      it("a used-up limit pauses scheduled refreshes of that endpoint until the vendor's reset; the Refresh button still works", async () => {
        const ticket = await slot("jsapi_ticket");
        expect((await refresh({ credentialId: ticket.id, reason: "test" })).ok).toBe(true);
        const good = (await slot("jsapi_ticket")).currentVersionId;
        const used = (await view("jsapi_ticket")).quota!.used;
        try {
          await setPolicy({ quotas: { "/cgi-bin/ticket/getticket": used } });
          expect((await view("jsapi_ticket")).quota).toMatchObject({ used, limit: used, exhausted: true });
          await db.credential.update({ where: { id: ticket.id }, data: { nextRefreshAt: new Date(Date.now() - 1000) } });
          const callsBefore = await calls("/cgi-bin/ticket/getticket");
          const result = await refresh({ credentialId: ticket.id, reason: "scheduled", need: { type: "due" } });
          expect(result).toMatchObject({ ok: false, failure: "quota-exhausted" });
          expect(await calls("/cgi-bin/ticket/getticket")).toBe(callsBefore);
          const s = await slot("jsapi_ticket");
          expect(s.nextRefreshAt!.toISOString()).toBe(nextVendorDayStart(new Date()).toISOString());
          expect(s.nextRefreshReason).toMatch(new RegExp(`quota exhausted on /cgi-bin/ticket/getticket \\(${used}/${used} calls used today\\)`));
          // The stored ticket is untouched and still served.
          expect(s.currentVersionId).toBe(good);
          expect(s.status).toBe("active");
          // A person who decides to spend a call anyway can.
          expect((await refresh({ credentialId: ticket.id, reason: "manual" })).ok).toBe(true);
          expect(await calls("/cgi-bin/ticket/getticket")).toBe(callsBefore + 1);
        } finally {
          await setPolicy({});
        }
      });

      it("the vendor's own quota error pauses every credential on that endpoint (jsapi and wx_card)", async () => {
        const jsapi = await slot("jsapi_ticket");
        const card = await slot("wx_card_ticket");
        expect((await refresh({ credentialId: card.id, reason: "test" })).ok).toBe(true);
        const ownSchedule = (await slot("wx_card_ticket")).nextRefreshAt!;
        await h.control("/__sandbox/faults", { endpoint: "wechat /cgi-bin/ticket/getticket", mode: "quota" });
        expect(await refresh({ credentialId: jsapi.id, reason: "test" })).toMatchObject({ ok: false, failure: "quota-exhausted" });
        const reset = nextVendorDayStart(new Date()).toISOString();
        // Paused until the reset, unless its own schedule is later anyway (e.g. shortly before 00:00 UTC+8).
        const expected = new Date(Math.max(ownSchedule.getTime(), Date.parse(reset))).toISOString();
        expect((await slot("wx_card_ticket")).nextRefreshAt!.toISOString()).toBe(expected);
        expect((await view("wx_card_ticket")).quota).toMatchObject({ exhausted: true, resetsAt: reset });
        // The sibling keeps its own good value and status.
        expect((await slot("wx_card_ticket")).status).toBe("active");
        // Once the vendor accepts a call again (its quota was cleared), the endpoint is no longer paused.
        await h.control("/__sandbox/reset");
        expect((await refresh({ credentialId: jsapi.id, reason: "manual" })).ok).toBe(true);
        expect((await view("wx_card_ticket")).quota).toMatchObject({ exhausted: false });
        // ...and the sibling goes back to its own schedule instead of waiting hours for the reset:
        // somewhere inside its policy's jitter window around 2/3 of its lifetime.
        const cardValue = (await current("wx_card_ticket"))!;
        const policy = policyFor("wechat", "wx_card_ticket");
        const earliest = nextRefreshAt(policy, cardValue.fetchedAt, cardValue.expiresIn, () => 0);
        const latest = nextRefreshAt(policy, cardValue.fetchedAt, cardValue.expiresIn, () => 1);
        const lifted = await slot("wx_card_ticket");
        expect(lifted.nextRefreshAt!.getTime()).toBeGreaterThanOrEqual(earliest.getTime());
        expect(lifted.nextRefreshAt!.getTime()).toBeLessThanOrEqual(latest.getTime());
        expect(lifted.nextRefreshReason).not.toMatch(/quota exhausted/);
      });
    });

    describe("policy overrides per app", () => {
      const wechatApp = () => db.vendorApp.findFirstOrThrow({ where: { appId: "wx000000000000demo" } });
      const setPolicy = async (policy: string) => db.vendorApp.update({ where: { id: (await wechatApp()).id }, data: { policy } });

      it("an app's schedule override decides the next refresh and is shown as such", async () => {
        const { listCredentials } = await import("./list-credentials");
        try {
          await setPolicy(JSON.stringify({ schedules: { jsapi_ticket: { everySeconds: 600 } } }));
          const ticket = await slot("jsapi_ticket");
          expect((await refresh({ credentialId: ticket.id, reason: "test" })).ok).toBe(true);
          const s = await slot("jsapi_ticket");
          const v = (await current("jsapi_ticket"))!;
          expect((s.nextRefreshAt!.getTime() - v.fetchedAt.getTime()) / 1000).toBe(600);
          const [viewed] = await listCredentials({ credentialId: ticket.id });
          expect(viewed!.policy).toBe("refresh every 10 min (app override)");
        } finally {
          await setPolicy("{}");
        }
      });

      it("a stored override that no longer parses falls back to the vendor's policy instead of failing refreshes", async () => {
        try {
          await setPolicy('{"schedules": {"jsapi_ticket": {"everySeconds": 5}}}');
          const ticket = await slot("jsapi_ticket");
          expect((await refresh({ credentialId: ticket.id, reason: "test" })).ok).toBe(true);
          const s = await slot("jsapi_ticket");
          const v = (await current("jsapi_ticket"))!;
          const after = (s.nextRefreshAt!.getTime() - v.fetchedAt.getTime()) / 1000;
          expect(after).toBeGreaterThan(7200 * 0.6);
          expect(after).toBeLessThan(7200 * 0.7);
        } finally {
          await setPolicy("{}");
        }
      });
    });

    describe("history", () => {
      it("lists every version newest first with its lineage, and every upstream call", async () => {
        const { credentialHistory } = await import("./history");
        const ticket = await slot("jsapi_ticket");
        await refresh({ credentialId: ticket.id, reason: "test" });
        await refresh({ credentialId: ticket.id, reason: "test" });
        const history = await credentialHistory({ input: { credentialId: ticket.id, limit: 100 } });
        const gens = history.versions.map((v) => v.generation);
        expect(gens).toEqual([...gens].sort((a, b) => b - a));
        expect(history.versions[0]!.current).toBe(true);
        expect(history.versions[1]!.supersededAt).not.toBeNull();
        const token = (await current("access_token"))!;
        expect(history.versions[0]!.parent).toEqual({ id: token.id, generation: token.generation });
        expect(history.versions[0]!.maskedValue).toMatch(/•/);
        expect(history.calls[0]).toMatchObject({ endpoint: "/cgi-bin/ticket/getticket", method: "GET", httpStatus: 200, vendorCode: "0" });
        expect(history.retentionDays).toBe(30);
        expect((await credentialHistory({ input: { credentialId: ticket.id, limit: 1 } })).versions).toHaveLength(1);
      });

      it("deletes what is older than the retention, but never the current value or the token it was fetched with", async () => {
        const { pruneHistory, credentialHistory } = await import("./history");
        const ticket = await slot("jsapi_ticket");
        await refresh({ credentialId: ticket.id, reason: "test" });
        const cur = (await current("jsapi_ticket"))!;
        const token = (await current("access_token"))!;
        const old = new Date(Date.now() - 40 * 86_400_000);
        const stale = await db.credentialVersion.create({
          data: {
            credentialId: ticket.id,
            generation: 10_000,
            valueEnc: cur.valueEnc,
            valueHash: "old",
            fetchedAt: old,
            expiresIn: 7200,
            expiresAt: new Date(old.getTime() + 7200_000),
            supersededAt: old,
            validUntil: old,
          },
        });
        await db.upstreamCall.create({
          data: {
            appRef: ticket.appRef,
            credentialId: ticket.id,
            vendor: "wechat",
            endpoint: "/cgi-bin/ticket/getticket",
            method: "GET",
            day: "2000-01-01",
            startedAt: old,
            latencyMs: 1,
          },
        });
        // Even a current value and its token that are long expired stay.
        await db.credentialVersion.update({ where: { id: cur.id }, data: { fetchedAt: old, expiresAt: old } });
        await db.credentialVersion.update({ where: { id: token.id }, data: { fetchedAt: old, expiresAt: old } });
        const pruned = await pruneHistory(db);
        expect(pruned.versions).toBeGreaterThanOrEqual(1);
        expect(pruned.calls).toBeGreaterThanOrEqual(1);
        expect(await db.credentialVersion.findUnique({ where: { id: stale.id } })).toBeNull();
        expect(await db.credentialVersion.findUnique({ where: { id: cur.id } })).not.toBeNull();
        expect(await db.credentialVersion.findUnique({ where: { id: token.id } })).not.toBeNull();
        expect((await credentialHistory({ input: { credentialId: ticket.id, limit: 500 } })).calls.every((c) => c.startedAt > old.toISOString())).toBe(true);
        // Put them back to a sane state for the tests after this one.
        await refresh({ credentialId: (await slot("access_token")).id, reason: "test" });
        await refresh({ credentialId: ticket.id, reason: "test" });
      });
    });

    describe("a FaceID ticket dies with its token", () => {
      const faceidApp = () => db.vendorApp.findFirstOrThrow({ where: { appId: "IDAdemo1" } });
      const faceSlot = async (kind: string) => db.credential.findUniqueOrThrow({ where: { appRef_kind: { appRef: (await faceidApp()).id, kind } } });

      it("the overview, Check, reads and the NONCE desk all show the expiry capped by the superseded token's overlap", async () => {
        const { listCredentials } = await import("./list-credentials");
        const { checkCredential } = await import("./check-credential");
        const { serveCredential } = await import("./serve-credential");
        const { issueNonce, recentNonces } = await import("@/server/nonce/nonce-desk");
        const app = await faceidApp();
        const sign = await faceSlot("sign_ticket");
        expect((await refresh({ credentialId: sign.id, reason: "test" })).ok).toBe(true);
        const ticket = await db.credentialVersion.findUniqueOrThrow({ where: { id: (await faceSlot("sign_ticket")).currentVersionId! } });
        const nonce = await issueNonce({ input: { appRef: app.id, userId: "qa-dies" }, actor: "tester" });
        // While the token is current, the ticket lives its own expire_in (3600 s) and the NONCE its 120 s.
        expect((await listCredentials({ credentialId: sign.id }))[0]!.current!.expiresAt).toBe(ticket.expiresAt.toISOString());
        expect(nonce.expiresAt).toBe(new Date(Date.parse(nonce.issuedAt) + 120_000).toISOString());
        try {
          // The token is rotated and its cascade has not landed yet: the old token (and so everything
          // it fetched) works 60 s more; 90 s here keeps a read from renewing it first.
          const tokenEnd = new Date(Date.now() + 90_000);
          await db.credentialVersion.update({ where: { id: ticket.parentVersionId! }, data: { supersededAt: new Date(), validUntil: tokenEnd } });
          const viewed = (await listCredentials({ credentialId: sign.id }))[0]!;
          expect(viewed.current!.expiresAt).toBe(tokenEnd.toISOString());
          const checked = await checkCredential({ input: { credentialId: sign.id }, actor: "tester" });
          expect(checked.local.expiresAt).toBe(tokenEnd.toISOString());
          expect(checked.local.remainingSeconds).toBeLessThanOrEqual(90);
          const served = await serveCredential({ appRef: app.id, kind: "sign_ticket" });
          expect(served.expiresAt.toISOString()).toBe(tokenEnd.toISOString());
          expect(served.generation).toBe(ticket.generation);
          const listed = (await recentNonces(20)).find((n) => n.id === nonce.id)!;
          expect(listed.expiresAt).toBe(tokenEnd.toISOString());
        } finally {
          await refresh({ credentialId: (await faceSlot("access_token")).id, reason: "test" });
          await refresh({ credentialId: sign.id, reason: "test" });
        }
      });

      it("a scheduled SIGN refresh whose token is due renews the token first: one SIGN call, not one now and one in the cascade", async () => {
        const token = await faceSlot("access_token");
        const sign = await faceSlot("sign_ticket");
        expect((await refresh({ credentialId: sign.id, reason: "test" })).ok).toBe(true);
        const faceCalls = async () => (await h.stats()).calls;
        await h.control("/__sandbox/reset");
        // Both due at once: a tick that came late for the token's 20-minute renewal.
        await db.credential.updateMany({ where: { id: { in: [token.id, sign.id] } }, data: { nextRefreshAt: new Date(Date.now() - 1_000) } });
        const tokenBefore = (await faceSlot("access_token")).generation;
        expect((await refresh({ credentialId: sign.id, reason: "scheduled", need: { type: "due" } })).ok).toBe(true);
        // The cascade the token's renewal started runs in the background: let it finish (or find nothing to do).
        await new Promise((r) => setTimeout(r, 500));
        const calls = await faceCalls();
        expect(calls["faceid /api/oauth2/access_token"]).toBe(1);
        expect(calls["faceid /api/oauth2/api_ticket"]).toBe(1);
        const ticket = await db.credentialVersion.findUniqueOrThrow({ where: { id: (await faceSlot("sign_ticket")).currentVersionId! } });
        const newToken = await faceSlot("access_token");
        expect(newToken.generation).toBe(tokenBefore + 1);
        expect(ticket.parentVersionId).toBe(newToken.currentVersionId);
      });

      it("a NONCE issued with a token about to expire expires with it", async () => {
        const { issueNonce } = await import("@/server/nonce/nonce-desk");
        const app = await faceidApp();
        const token = await faceSlot("access_token");
        expect((await refresh({ credentialId: token.id, reason: "test" })).ok).toBe(true);
        const v = (await faceSlot("access_token")).currentVersionId!;
        // The SIGN ticket that died with the old token is fetched again in the background: once it has
        // its new token. Shortened under it, the token would be renewed for it (less than the 120 s a
        // ticket's fetch wants), and the NONCE below issued with another token.
        await expect
          .poll(async () => {
            const sign = await faceSlot("sign_ticket");
            return sign.currentVersionId && (await db.credentialVersion.findUniqueOrThrow({ where: { id: sign.currentVersionId } })).parentVersionId;
          })
          .toBe(v);
        // 90 s left: above the 60 s below which a read renews it first, below the NONCE's 120 s.
        const tokenEnd = new Date(Date.now() + 90_000);
        await db.credentialVersion.update({ where: { id: v }, data: { expiresAt: tokenEnd } });
        try {
          const nonce = await issueNonce({ input: { appRef: app.id, userId: "qa-short" }, actor: "tester" });
          expect(nonce.expiresIn).toBe(120);
          expect(nonce.expiresAt).toBe(tokenEnd.toISOString());
          expect((await db.nonceTicket.findUniqueOrThrow({ where: { id: nonce.id } })).tokenVersionId).toBe(v);
        } finally {
          await refresh({ credentialId: token.id, reason: "test" });
        }
      });
    });

    describe("NONCE desk", () => {
      const faceidApp = () => db.vendorApp.findFirstOrThrow({ where: { appId: "IDAdemo1" } });
      const nonceCalls = async () => (await h.stats()).calls["faceid /api/oauth2/api_ticket"] ?? 0;

      it("issues a fresh, different ticket each time for the same user_id, stored encrypted and audited", async () => {
        const { issueNonce, recentNonces } = await import("@/server/nonce/nonce-desk");
        const app = await faceidApp();
        const a = await issueNonce({ input: { appRef: app.id, userId: "qa-1" }, actor: "tester" });
        const b = await issueNonce({ input: { appRef: app.id, userId: "qa-1" }, actor: "tester" });
        expect(a.value).not.toBe(b.value);
        expect(a.expiresIn).toBe(120);
        expect(h.sandbox.state.valid(a.value, "faceid", "nonce_ticket")).not.toBeNull();
        const stored = await db.nonceTicket.findUniqueOrThrow({ where: { id: a.id } });
        expect(stored.valueEnc).not.toContain(a.value);
        expect(decrypt(stored.valueEnc)).toBe(a.value);
        const recent = await recentNonces(2);
        expect(recent.map((n) => n.id)).toEqual([b.id, a.id]);
        expect(JSON.stringify(recent)).not.toContain(a.value);
        expect(await db.auditEvent.count({ where: { action: "nonce.issue", actor: "tester", outcome: "issued" } })).toBeGreaterThanOrEqual(2);
      });

      it("rejects a bad user_id before any vendor call", async () => {
        const { issueNonce } = await import("@/server/nonce/nonce-desk");
        const app = await faceidApp();
        const calls = await nonceCalls();
        const count = await db.nonceTicket.count();
        await expect(issueNonce({ input: { appRef: app.id, userId: "x".repeat(31) }, actor: "tester" })).rejects.toThrow(
          "user_id must be at most 30 characters",
        );
        await expect(issueNonce({ input: { appRef: app.id, userId: "no spaces" }, actor: "tester" })).rejects.toThrow(
          "user_id may only contain letters, digits, _ and -",
        );
        expect(await nonceCalls()).toBe(calls);
        expect(await db.nonceTicket.count()).toBe(count);
      });

      it("renews a token the vendor refuses, once, and retries", async () => {
        const { issueNonce } = await import("@/server/nonce/nonce-desk");
        const app = await faceidApp();
        const token = await db.credential.findUniqueOrThrow({ where: { appRef_kind: { appRef: app.id, kind: "access_token" } } });
        await issueNonce({ input: { appRef: app.id, userId: "warm-up" }, actor: "tester" });
        const gen = (await db.credential.findUniqueOrThrow({ where: { id: token.id } })).generation;
        await h.control("/__sandbox/faults", { endpoint: "faceid /api/oauth2/api_ticket", mode: "invalid-credential", times: 1 });
        const issued = await issueNonce({ input: { appRef: app.id, userId: "qa-2" }, actor: "tester" });
        expect(h.sandbox.state.valid(issued.value, "faceid", "nonce_ticket")).not.toBeNull();
        expect((await db.credential.findUniqueOrThrow({ where: { id: token.id } })).generation).toBe(gen + 1);
      });

      it("a vendor failure stores nothing and is audited with its class", async () => {
        const { issueNonce, NonceVendorError } = await import("@/server/nonce/nonce-desk");
        const app = await faceidApp();
        await issueNonce({ input: { appRef: app.id, userId: "warm-up" }, actor: "tester" });
        const count = await db.nonceTicket.count();
        await h.control("/__sandbox/faults", { endpoint: "faceid /api/oauth2/api_ticket", mode: "busy" });
        const err = await issueNonce({ input: { appRef: app.id, userId: "qa-3" }, actor: "tester" }).catch((e) => e);
        expect(err).toBeInstanceOf(NonceVendorError);
        expect(err.failure).toBe("busy");
        expect(await db.nonceTicket.count()).toBe(count);
        const audit = await db.auditEvent.findFirstOrThrow({ where: { action: "nonce.issue" }, orderBy: { at: "desc" } });
        expect(audit.outcome).toBe("failed: busy");
      });

      it("a database that refuses to record FaceID's answer is a database error (503), not FaceID's refusal; nothing stored", async () => {
        const { issueNonce } = await import("@/server/nonce/nonce-desk");
        const app = await faceidApp();
        await issueNonce({ input: { appRef: app.id, userId: "warm-up" }, actor: "tester" });
        const count = await db.nonceTicket.count();
        const allow = await refuseInserts(db, provider, "UpstreamCall");
        let err: unknown;
        try {
          err = await issueNonce({ input: { appRef: app.id, userId: "qa-db" }, actor: "tester" }).catch((e) => e);
        } finally {
          await allow();
        }
        expect(err).toMatchObject({ kind: "unavailable", title: "Database error while issuing a NONCE ticket", failure: "database", retryAfterSeconds: 5 });
        expect(await db.nonceTicket.count()).toBe(count);
        const audit = await db.auditEvent.findFirstOrThrow({ where: { action: "nonce.issue" }, orderBy: { at: "desc" } });
        expect(audit.outcome).toBe("failed: database");
        expect(audit.detail).not.toMatch(/\n/);
      });
    });
    it("a caller's audit row is written with the stored value, or with the recorded failure, and says which", async () => {
      const ticketSlot = await slot("jsapi_ticket");
      const audit = { actor: "auditor", action: "credential.refresh", describe: (g: number) => `ticket generation ${g}` };
      const ok = await refresh({ credentialId: ticketSlot.id, reason: "test", audit });
      expect(ok).toMatchObject({ ok: true, joined: false, audited: true });
      const generation = (await slot("jsapi_ticket")).generation;
      await h.control("/__sandbox/faults", { endpoint: "wechat /cgi-bin/ticket/getticket", mode: "busy", times: 1 });
      const failed = await refresh({ credentialId: ticketSlot.id, reason: "test", audit });
      expect(failed).toMatchObject({ ok: false, audited: true });
      const rows = await db.auditEvent.findMany({ where: { actor: "auditor", target: ticketSlot.id }, orderBy: { at: "asc" } });
      expect(rows.map((r) => [r.outcome, r.detail])).toEqual([
        ["refreshed", `ticket generation ${generation}`],
        ["failed: busy", `ticket generation ${generation}: ${(failed as { message: string }).message}`],
      ]);
    });
  });
}
