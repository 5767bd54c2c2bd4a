// Contract tests: the literal example of the Feishu JSAPI ticket document through the module.
import { describe, expect, it } from "vitest";
import { fakeVendor, vendorFailure } from "@/test-support/fake-vendor";
import { fetchFeishuJsapiTicket, fetchFeishuTenantToken } from "./feishu";
import type { CallRecord } from "./types";

const vendor = fakeVendor();
const ctx = (records: CallRecord[] = []) => vendor.ctx(records, { appId: "cli_demo000000000000", secret: "demo-feishu-secret" });

// Verbatim from feishu-jssdk-ticket.md.
const TICKET_EXAMPLE = `{
    "code": 0,
    "msg": "ok",
    "data": {
        "expire_in": 7200,
        "ticket": "0560604568baf296731aa37f0c8ebe3e049c19d7"
    }
}`;

describe("Feishu jssdk/ticket/get (doc example)", () => {
  it("parses data.ticket and data.expire_in, sent as POST with the Bearer token and a JSON content type", async () => {
    vendor.reply(TICKET_EXAMPLE);
    const records: CallRecord[] = [];
    expect(await fetchFeishuJsapiTicket(ctx(records), "t-7f1bcd13fc57d46bac21793a18e560")).toEqual({
      value: "0560604568baf296731aa37f0c8ebe3e049c19d7",
      expiresIn: 7200,
    });
    const seen = vendor.last();
    expect(seen.method).toBe("POST");
    expect(seen.url).toBe("/open-apis/jssdk/ticket/get");
    expect(seen.headers.authorization).toBe("Bearer t-7f1bcd13fc57d46bac21793a18e560");
    expect(seen.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(records[0]!.bodyRedacted).not.toContain("0560604568baf296731aa37f0c8ebe3e049c19d7");
  });

  it("classifies an invalid tenant token as invalid-credential", async () => {
    vendor.reply({ code: 99991663, msg: "Invalid access token for authorization." }, { status: 400 });
    expect((await vendorFailure(fetchFeishuJsapiTicket(ctx(), "t-x"))).failure).toBe("invalid-credential");
  });

  it("honours x-ogw-ratelimit-reset on HTTP 429 / 99991400", async () => {
    vendor.reply({ code: 99991400, msg: "request trigger frequency limit" }, { status: 429, headers: { "x-ogw-ratelimit-reset": "7" } });
    const err = await vendorFailure(fetchFeishuJsapiTicket(ctx(), "t-x"));
    expect(err.failure).toBe("rate-limited");
    expect(err.detail.retryAfterMs).toBe(7000);
  });
});

describe("Feishu lifetimes", () => {
  it("refuses a missing, zero or negative expire_in / expire as bad-response (a value dead on arrival)", async () => {
    for (const data of [{ ticket: "abc" }, { ticket: "abc", expire_in: 0 }, { ticket: "abc", expire_in: "-5" }]) {
      vendor.reply({ code: 0, msg: "ok", data });
      const err = await vendorFailure(fetchFeishuJsapiTicket(ctx(), "t-x"));
      expect(err.failure).toBe("bad-response");
    }
    for (const expire of [0, -1, undefined]) {
      vendor.reply({ code: 0, msg: "ok", tenant_access_token: "t-abc", expire });
      expect((await vendorFailure(fetchFeishuTenantToken(ctx()))).failure).toBe("bad-response");
    }
  });
});

describe("Feishu tenant_access_token/internal", () => {
  it("posts app_id and app_secret and reads `expire` (not expire_in) as the remaining lifetime", async () => {
    vendor.reply({ code: 0, msg: "ok", tenant_access_token: "t-caecc734c2e3328a62489fe0648c4b98779515d3", expire: 6543 });
    expect(await fetchFeishuTenantToken(ctx())).toEqual({ value: "t-caecc734c2e3328a62489fe0648c4b98779515d3", expiresIn: 6543 });
    expect(JSON.parse(vendor.last().body)).toEqual({ app_id: "cli_demo000000000000", app_secret: "demo-feishu-secret" });
  });

  it("classifies a wrong secret as bad-config", async () => {
    vendor.reply({ code: 10014, msg: "app secret invalid" }, { status: 400 });
    expect((await vendorFailure(fetchFeishuTenantToken(ctx()))).failure).toBe("bad-config");
  });
});
