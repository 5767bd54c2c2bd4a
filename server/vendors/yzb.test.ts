// Contract tests: the literal examples of the yzb document through the module.
import { describe, expect, it } from "vitest";
import { fakeVendor, vendorFailure } from "@/test-support/fake-vendor";
import { checkYzbCode, exchangeYzbAuthCode, fetchYzbAccessToken, fetchYzbJsTicket } from "./yzb";
import type { CallRecord } from "./types";

const vendor = fakeVendor();
const ctx = (records: CallRecord[] = []) => vendor.ctx(records, { appId: "yzbdemo1", secret: "demo-yzb-secret" });

const TICKET_OK = `{
    "status": "2000",
    "message": "ok",
    "data": {
        "ticket": "36bd5645fbadaf5e3ef4a889f0ac26ee14fa7ab0578e8e0108519a4706f2ab4c",
        "expires_in": 7200
    }
}`;
const TICKET_ERROR = `{
    "status": "4102",
    "message": "server_access_token is invalid",
    "data": []
}`;
const CHECK_OK = `{
    "status": "2000",
    "message": "ok",
    "data": {
        "expires_in": 1654576906
    }
}`;
const TOKEN_OK = `{
  "status": 2000,
  "message": "ok",
  "data": {
    "open_id": "bkNhRE1LN2FGb3pnWEJKS2l0MzZ0OCt3cVMwRkE0SXJTaDd6T2FNSWp0UjhhMUt1N29Db3ltcEZabXFMaGp0d0c1WDU3czk5QVkwbmlTSHVoblZ0elZoMWhXT2tFYW1FSElzaFZuU3VRSWhzM1VKd3RxL3ozSU1rUWMwaUt2TGk4OHA5c21lS3pRTmV1YTRRTEJ6L0c1N3pyU3NVYlUwM01qd203WTRVUDZBPQ",
    "access_token": "5cc928f1eadd0a25bf18e08269c2309741e94b0b51585d987d24488331ca50de",
    "expires_in": 7200,
    "refresh_token": "1503c423d5303ccab35cb26792f403fcae48eec2bedca99b2e9259683f2a31ac",
    "scope": "sns_base"
  }
}`;
const TOKEN_ERROR = `{
  "status": "4102",
  "message": "authorization_code is invalid",
  "data": []
}`;

describe("yzb /OAuth2/ticket (doc examples)", () => {
  it("parses the success example and posts app_id, access_token, type", async () => {
    vendor.reply(TICKET_OK);
    const records: CallRecord[] = [];
    expect(await fetchYzbJsTicket(ctx(records), "SERVER_TOKEN")).toEqual({
      value: "36bd5645fbadaf5e3ef4a889f0ac26ee14fa7ab0578e8e0108519a4706f2ab4c",
      expiresIn: 7200,
    });
    expect(vendor.last().url).toBe("/OAuth2/ticket");
    expect(JSON.parse(vendor.last().body)).toEqual({ app_id: "yzbdemo1", access_token: "SERVER_TOKEN", type: "js_ticket" });
    expect(records[0]!.bodyRedacted).not.toContain("36bd5645fbadaf5e");
  });

  it("reads status 4102 with data: [] as an invalid server token", async () => {
    vendor.reply(TICKET_ERROR);
    const err = await vendorFailure(fetchYzbJsTicket(ctx(), "SERVER_TOKEN"));
    expect(err.failure).toBe("invalid-credential");
    expect(err.message).toBe("yzb 4102: server_access_token is invalid");
  });

  it("stores a ticket longer than 128 characters (the document asks to reserve 128, not to refuse more)", async () => {
    const long = "a".repeat(200);
    vendor.reply({ status: "2000", message: "ok", data: { ticket: long, expires_in: 7200 } });
    expect(await fetchYzbJsTicket(ctx(), "SERVER_TOKEN")).toEqual({ value: long, expiresIn: 7200 });
  });

  it("refuses a missing, zero or negative expires_in as bad-response (ticket and server token)", async () => {
    for (const data of [{ ticket: "abc" }, { ticket: "abc", expires_in: 0 }, { ticket: "abc", expires_in: "-5" }]) {
      vendor.reply({ status: "2000", message: "ok", data });
      expect((await vendorFailure(fetchYzbJsTicket(ctx(), "SERVER_TOKEN"))).failure).toBe("bad-response");
    }
    for (const data of [{ access_token: "abc" }, { access_token: "abc", expires_in: 0 }]) {
      vendor.reply({ status: "2000", message: "ok", data });
      expect((await vendorFailure(fetchYzbAccessToken(ctx()))).failure).toBe("bad-response");
    }
  });
});

describe("yzb /OAuth2/checkCode (doc examples)", () => {
  it("reads expires_in as an absolute unix time", async () => {
    vendor.reply(CHECK_OK);
    const res = await checkYzbCode(ctx(), { type: "js_ticket", code: "T" });
    expect(res).toEqual({ valid: true, expiresAt: new Date(1654576906 * 1000) });
  });

  it("answers invalid for 4102 without treating it as a failed call", async () => {
    vendor.reply(TICKET_ERROR);
    expect(await checkYzbCode(ctx(), { type: "access_token", code: "T" })).toEqual({ valid: false, message: "server_access_token is invalid" });
  });
});

describe("yzb /OAuth2/token (doc examples)", () => {
  it("exchanges a code for the open_id (status as a number)", async () => {
    vendor.reply(TOKEN_OK);
    const res = await exchangeYzbAuthCode(ctx(), "AUTH_CODE");
    expect(res).toMatchObject({ openId: expect.stringMatching(/^bkNhRE1LN2FG/), data: { scope: "sns_base" } });
    expect(JSON.parse(vendor.last().body)).toEqual({ app_id: "yzbdemo1", secret: "demo-yzb-secret", grant_type: "authorization_code", code: "AUTH_CODE" });
  });

  it("reports an invalid code (status as a string, data: [])", async () => {
    vendor.reply(TOKEN_ERROR);
    expect(await exchangeYzbAuthCode(ctx(), "AUTH_CODE")).toEqual({ invalid: "authorization_code is invalid" });
  });
});

describe("yzb server access token", () => {
  it("uses the configured path", async () => {
    vendor.reply({ status: "2000", message: "ok", data: { access_token: "abc", expires_in: "7200" } });
    expect(await fetchYzbAccessToken(vendor.ctx([], { appId: "yzbdemo1", secret: "s", tokenPath: "/custom/token" }), "/custom/token")).toEqual({
      value: "abc",
      expiresIn: 7200,
    });
    expect(vendor.last().url).toBe("/custom/token");
  });

  it("turns an HTML error page into bad-response", async () => {
    vendor.reply("<html>gateway</html>", { contentType: "text/html" });
    expect((await vendorFailure(fetchYzbAccessToken(ctx()))).failure).toBe("bad-response");
  });
});
