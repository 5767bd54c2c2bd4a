// The lifecycle engine against a real database and the real sandbox; run on both providers
// by refresh-credential.sqlite.test.ts and refresh-credential.postgresql.test.ts.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "@/server/testing/engine-harness";

export function refreshSuite(provider: "sqlite" | "postgresql") {
  describe(`refreshCredential on ${provider}`, () => {
    let h: Harness;
    let db: Awaited<ReturnType<typeof loadDb>>;
    let refresh: typeof import("./refresh-credential").refreshCredential;
    let decrypt: typeof import("@/server/crypto").decrypt;
    const slot = async (kind: string) =>
      db.credential.findFirstOrThrow({ where: { kind, app: { appId: "wx000000000000demo" } } });
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

    describe("each failure class keeps the last good ticket and serves it while valid", () => {
      const cases: { name: string; vendor: "wechat" | "feishu"; endpoint: string; fault: Record<string, unknown>; failure: string; message: RegExp; retryWithinS: [number, number] }[] = [
        { name: "busy (-1)", vendor: "wechat", endpoint: "wechat /cgi-bin/ticket/getticket", fault: { mode: "busy" }, failure: "busy", message: /WeChat -1/, retryWithinS: [3, 7] },
        { name: "rate-limited (Feishu 429, x-ogw-ratelimit-reset: 2)", vendor: "feishu", endpoint: "feishu /open-apis/jssdk/ticket/get", fault: { mode: "rate-limited" }, failure: "rate-limited", message: /Feishu 99991400/, retryWithinS: [1.5, 2.5] },
        { name: "quota-exhausted (45009)", vendor: "wechat", endpoint: "wechat /cgi-bin/ticket/getticket", fault: { mode: "quota" }, failure: "quota-exhausted", message: /WeChat 45009/, retryWithinS: [3500, 3700] },
        { name: "bad-config (40164 IP not whitelisted)", vendor: "wechat", endpoint: "wechat /cgi-bin/ticket/getticket", fault: { mode: "bad-config" }, failure: "bad-config", message: /40164/, retryWithinS: [-1, -1] },
        { name: "bad-response (malformed JSON)", vendor: "wechat", endpoint: "wechat /cgi-bin/ticket/getticket", fault: { mode: "malformed" }, failure: "bad-response", message: /not JSON/, retryWithinS: [3, 7] },
        { name: "bad-response (HTML content type)", vendor: "wechat", endpoint: "wechat /cgi-bin/ticket/getticket", fault: { mode: "wrong-content-type" }, failure: "bad-response", message: /content-type text\/html/, retryWithinS: [3, 7] },
        { name: "network (HTTP 500)", vendor: "wechat", endpoint: "wechat /cgi-bin/ticket/getticket", fault: { mode: "http-500" }, failure: "network", message: /HTTP 500/, retryWithinS: [3, 7] },
        { name: "network (timeout)", vendor: "wechat", endpoint: "wechat /cgi-bin/ticket/getticket", fault: { mode: "timeout" }, failure: "network", message: /no answer within 1500 ms/, retryWithinS: [3, 7] },
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
          if (c.retryWithinS[0] < 0) {
            expect(s.nextRefreshAt).toBeNull();
          } else {
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
  });
}
