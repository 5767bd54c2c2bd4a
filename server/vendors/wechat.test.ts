// Contract tests: the literal example responses of the WeChat document, served over real HTTP,
// through the vendor module.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { fakeVendor, vendorFailure as failure } from "@/test-support/fake-vendor";
import { fetchWechatAccessToken, fetchWechatTicket, WECHAT_BUSY_RETRY_MS } from "./wechat";
import type { CallRecord, VendorContext } from "./types";

const vendor = fakeVendor();
const ctx = (records: CallRecord[], over: Partial<VendorContext> = {}) =>
  vendor.ctx(records, { appId: "wx000000000000demo", secret: "demo-wechat-secret", ...over });
const setReply = (r: { status?: number; body: string; contentType?: string }) => vendor.reply(r.body, r);

describe("WeChat getticket (doc examples)", () => {
  it("parses the documented success body", async () => {
    setReply({ status: 200, body: '{\n  "errcode":0,\n  "errmsg":"ok",\n  "ticket":"bxLdikRXVbTPdHSM05e5u5sUoXNKdvsdshFKA",\n  "expires_in":7200\n}' });
    const records: CallRecord[] = [];
    const t = await fetchWechatTicket(ctx(records), "ACCESS_TOKEN", "wx_card");
    expect(t).toEqual({ value: "bxLdikRXVbTPdHSM05e5u5sUoXNKdvsdshFKA", expiresIn: 7200 });
    expect(vendor.last().url).toBe("/cgi-bin/ticket/getticket?access_token=ACCESS_TOKEN&type=wx_card");
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ endpoint: "/cgi-bin/ticket/getticket", httpStatus: 200, vendorCode: "0", errorClass: null });
    // The stored body never holds the ticket or the token.
    expect(records[0]!.bodyRedacted).not.toContain("bxLdikRXVbTPdHSM05e5u5sUoXNKdvsdshFKA");
    expect(records[0]!.bodyRedacted).toContain('"errmsg":"ok"');
  });

  it("accepts numbers sent as strings", async () => {
    setReply({ status: 200, body: '{"errcode":"0","errmsg":"ok","ticket":"abc","expires_in":"7200"}' });
    expect(await fetchWechatTicket(ctx([]), "T", "jsapi")).toEqual({ value: "abc", expiresIn: 7200 });
  });

  it("classifies -1 (system busy) as busy", async () => {
    setReply({ status: 200, body: '{"errcode":-1,"errmsg":"system error"}' });
    const records: CallRecord[] = [];
    const err = await failure(fetchWechatTicket(ctx(records), "T", "jsapi"));
    expect(err.failure).toBe("busy");
    expect(err.detail.vendorCode).toBe("-1");
    expect(records[0]).toMatchObject({ vendorCode: "-1", vendorMessage: "system error", errorClass: "busy" });
  });

  it('asks for a retry after minutes on -1, as the document says ("try again in a few minutes")', async () => {
    setReply({ status: 200, body: '{"errcode":-1,"errmsg":"system error"}' });
    const err = await failure(fetchWechatTicket(ctx([]), "T", "jsapi"));
    expect(err.detail.retryAfterMs).toBe(WECHAT_BUSY_RETRY_MS);
    expect(WECHAT_BUSY_RETRY_MS).toBeGreaterThanOrEqual(60_000);
  });

  it("refuses a missing, zero or negative expires_in as bad-response", async () => {
    for (const body of [
      '{"errcode":0,"errmsg":"ok","ticket":"abc"}',
      '{"errcode":0,"errmsg":"ok","ticket":"abc","expires_in":0}',
      '{"errcode":0,"errmsg":"ok","ticket":"abc","expires_in":"-5"}',
    ]) {
      setReply({ status: 200, body });
      expect((await failure(fetchWechatTicket(ctx([]), "T", "jsapi"))).failure).toBe("bad-response");
    }
  });

  it("classifies 40001 on getticket as an invalid credential (refresh the token)", async () => {
    setReply({ status: 200, body: '{"errcode":40001,"errmsg":"invalid credential  access_token isinvalid or not latest"}' });
    expect((await failure(fetchWechatTicket(ctx([]), "T", "jsapi"))).failure).toBe("invalid-credential");
  });

  it("classifies 42001, 45009, 45011 and 40164", async () => {
    const cases: [number, string][] = [
      [42001, "invalid-credential"],
      [45009, "quota-exhausted"],
      [45011, "rate-limited"],
      [40164, "bad-config"],
    ];
    for (const [code, cls] of cases) {
      setReply({ status: 200, body: JSON.stringify({ errcode: code, errmsg: "x" }) });
      expect((await failure(fetchWechatTicket(ctx([]), "T", "jsapi"))).failure).toBe(cls);
    }
  });

  it("turns malformed JSON, HTML and 5xx into bad-response / network", async () => {
    setReply({ status: 200, body: '{"errcode":0,"ticket":' });
    expect((await failure(fetchWechatTicket(ctx([]), "T", "jsapi"))).failure).toBe("bad-response");
    setReply({ status: 200, body: "<html>oops</html>", contentType: "text/html" });
    expect((await failure(fetchWechatTicket(ctx([]), "T", "jsapi"))).message).toMatch(/not JSON \(content-type text\/html\)/);
    setReply({ status: 502, body: "Bad Gateway", contentType: "text/plain" });
    expect((await failure(fetchWechatTicket(ctx([]), "T", "jsapi"))).failure).toBe("network");
  });

  it("turns a refused connection into network", async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const err = await failure(fetchWechatTicket(ctx([], { baseUrl: `http://127.0.0.1:${port}` }), "T", "jsapi"));
    expect(err.failure).toBe("network");
    expect(err.message).toMatch(/ECONNREFUSED/);
  });
});

describe("WeChat access token", () => {
  it("calls /cgi-bin/token with the app's credentials and parses the documented body", async () => {
    setReply({ status: 200, body: '{"access_token":"ACCESS_TOKEN","expires_in":7200}' });
    const records: CallRecord[] = [];
    expect(await fetchWechatAccessToken(ctx(records))).toEqual({ value: "ACCESS_TOKEN", expiresIn: 7200 });
    expect(vendor.last().url).toBe("/cgi-bin/token?grant_type=client_credential&appid=wx000000000000demo&secret=demo-wechat-secret");
    expect(records[0]!.bodyRedacted).not.toContain("ACCESS_TOKEN");
  });

  it("posts JSON to /cgi-bin/stable_token for apps that use it", async () => {
    setReply({ status: 200, body: '{"access_token":"STABLE","expires_in":6000}' });
    expect(await fetchWechatAccessToken(ctx([], { tokenVariant: "stable_token" }), { forceRefresh: true })).toEqual({ value: "STABLE", expiresIn: 6000 });
    expect(vendor.last().url).toBe("/cgi-bin/stable_token");
    expect(JSON.parse(vendor.last().body)).toEqual({
      grant_type: "client_credential",
      appid: "wx000000000000demo",
      secret: "demo-wechat-secret",
      force_refresh: true,
    });
  });

  it("classifies a wrong AppSecret (40001 on the token endpoint) as bad-config", async () => {
    setReply({ status: 200, body: '{"errcode":40001,"errmsg":"invalid credential"}' });
    expect((await failure(fetchWechatAccessToken(ctx([])))).failure).toBe("bad-config");
  });
});
