// Contract tests: the literal examples of the FaceID SIGN and NONCE documents through the module.
import { describe, expect, it } from "vitest";
import { fakeVendor, vendorFailure } from "@/test-support/fake-vendor";
import { fetchFaceidAccessToken, fetchFaceidTicket } from "./faceid";
import type { CallRecord } from "./types";

const vendor = fakeVendor();
const ctx = (records: CallRecord[] = []) => vendor.ctx(records, { appId: "IDAdemo1", secret: "demo-faceid-secret" });

// Verbatim from tencent-faceid-sign-ticket.md (tabs and all).
const SIGN_EXAMPLE = `{
	  "code": "0",
	  "msg": "请求成功",
	  "transactionTime": "20151022044027",
	  "tickets": [
		{
			 "value": "ticket_string",
			 "expire_in": "3600",
			 "expire_time": "20151022044027"
		}
	]
}`;

// Verbatim from tencent-faceid-nonce-ticket.md.
const NONCE_EXAMPLE = `{
	  "code": "0",
	  "msg": "请求成功",
	  "transactionTime": "20151022044027",
	  "tickets": [
		{
			  "value": "ticket_string",
			  "expire_in": "120",
			  "expire_time": "20151022044027"
		}
	]
}`;

describe("FaceID api_ticket (doc examples)", () => {
  it("parses the SIGN example: string expire_in, vendor expire_time kept for display", async () => {
    vendor.reply(SIGN_EXAMPLE);
    const records: CallRecord[] = [];
    expect(await fetchFaceidTicket(ctx(records), "TOKEN", { type: "SIGN" })).toEqual({
      value: "ticket_string",
      expiresIn: 3600,
      vendorExpireTime: "20151022044027",
    });
    expect(vendor.last().url).toBe("/api/oauth2/api_ticket?app_id=IDAdemo1&access_token=TOKEN&type=SIGN&version=1.0.0");
    expect(records[0]).toMatchObject({ vendorCode: "0", errorClass: null });
    expect(records[0]!.bodyRedacted).not.toContain("ticket_string");
  });

  it("parses the NONCE example and sends user_id", async () => {
    vendor.reply(NONCE_EXAMPLE);
    expect(await fetchFaceidTicket(ctx(), "TOKEN", { type: "NONCE", userId: "qa_user-01" })).toMatchObject({ value: "ticket_string", expiresIn: 120 });
    expect(vendor.last().url).toContain("type=NONCE&version=1.0.0&user_id=qa_user-01");
  });

  it("validates user_id before any upstream call", async () => {
    const before = vendor.last().url;
    await expect(fetchFaceidTicket(ctx(), "TOKEN", { type: "NONCE", userId: "x".repeat(31) })).rejects.toThrow(/at most 30 characters/);
    await expect(fetchFaceidTicket(ctx(), "TOKEN", { type: "NONCE", userId: "user@id" })).rejects.toThrow(/letters, digits, _ and -/);
    expect(vendor.last().url).toBe(before);
  });

  it("refuses a body whose tickets list does not hold exactly one ticket", async () => {
    vendor.reply({ code: "0", msg: "ok", tickets: [] });
    const err = await vendorFailure(fetchFaceidTicket(ctx(), "TOKEN", { type: "SIGN" }));
    expect(err.failure).toBe("bad-response");
    expect(err.message).toMatch(/exactly one ticket/);
  });

  it("classifies a non-zero code and shows code and msg", async () => {
    vendor.reply({ code: "400103", msg: "access_token 不存在或已过期", transactionTime: "20151022044027" });
    const records: CallRecord[] = [];
    const err = await vendorFailure(fetchFaceidTicket(ctx(records), "TOKEN", { type: "SIGN" }));
    expect(err.failure).toBe("invalid-credential");
    expect(err.message).toBe("FaceID 400103: access_token 不存在或已过期");
    expect(records[0]).toMatchObject({ vendorCode: "400103", errorClass: "invalid-credential" });
    vendor.reply({ code: 400104, msg: "secret 错误" });
    expect((await vendorFailure(fetchFaceidTicket(ctx(), "TOKEN", { type: "SIGN" }))).failure).toBe("bad-config");
  });
});

describe("FaceID access token", () => {
  it("parses the documented body and asks with app_id, secret, grant_type and version", async () => {
    vendor.reply({
      code: "0",
      msg: "请求成功",
      transactionTime: "20151022043831",
      access_token: "accessToken_string",
      expire_time: "20151022043831",
      expire_in: "7200",
    });
    const records: CallRecord[] = [];
    expect(await fetchFaceidAccessToken(ctx(records))).toEqual({ value: "accessToken_string", expiresIn: 7200, vendorExpireTime: "20151022043831" });
    expect(vendor.last().url).toBe("/api/oauth2/access_token?app_id=IDAdemo1&secret=demo-faceid-secret&grant_type=client_credential&version=1.0.0");
    expect(records[0]!.bodyRedacted).not.toContain("accessToken_string");
  });

  it("refuses a zero or negative expire_in as bad-response", async () => {
    for (const expire_in of [0, "-1"]) {
      vendor.reply({ code: "0", msg: "请求成功", access_token: "accessToken_string", expire_in });
      expect((await vendorFailure(fetchFaceidAccessToken(ctx()))).failure).toBe("bad-response");
    }
  });
});
