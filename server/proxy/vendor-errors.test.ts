// The proxy fails the way the vendor fails: for the same bad request it answers the status and the
// error code the vendor (here: the sandbox, which follows the vendor documents) answers. SDKs read
// the status before the body; co-wechat-api, for one, throws on anything but 200-204 and so never
// reaches its own 40001 recovery when the proxy answers 401.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "@/test-support/engine-harness";

type Answer = { status: number; body: Record<string, unknown> };
type Call = { method: "GET" | "POST"; path: string; body?: unknown; headers?: Record<string, string> };

describe("proxy errors in the vendor's status and shape", () => {
  let h: Harness;
  let proxy: (vendor: string, call: Call) => Promise<Answer>;

  beforeAll(async () => {
    h = await startHarness("sqlite");
    const { handleProxy } = await import("@/server/http/proxy");
    proxy = async (vendor, call) => {
      const headers = { "content-type": "application/json; charset=utf-8", ...call.headers };
      const req = new Request(`http://127.0.0.1/api/proxy/${vendor}${call.path}`, {
        method: call.method,
        headers,
        body: call.body === undefined ? undefined : JSON.stringify(call.body),
      });
      const res = await handleProxy(req, { vendor, path: new URL(req.url).pathname.split("/").slice(4) });
      expect(res.headers.get("content-type")).toMatch(/^application\/json/);
      return { status: res.status, body: await res.json() };
    };
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  const sandbox = async (call: Call): Promise<Answer> => {
    const res = await fetch(`${h.sandboxUrl}${call.path}`, {
      method: call.method,
      headers: { "content-type": "application/json; charset=utf-8", ...call.headers },
      body: call.body === undefined ? undefined : JSON.stringify(call.body),
    });
    return { status: res.status, body: await res.json() };
  };

  // Requests both the vendor and the proxy refuse, with the field that carries the vendor's code.
  const cases: { name: string; vendor: string; call: Call; code: string; expected: { status: number; code: unknown } }[] = [
    {
      name: "WeChat getticket, a token it does not know",
      vendor: "wechat",
      code: "errcode",
      call: { method: "GET", path: "/cgi-bin/ticket/getticket?access_token=stale-token-from-before&type=jsapi" },
      expected: { status: 200, code: 40001 },
    },
    {
      name: "WeChat getticket, no token",
      vendor: "wechat",
      code: "errcode",
      call: { method: "GET", path: "/cgi-bin/ticket/getticket?type=jsapi" },
      expected: { status: 200, code: 41001 },
    },
    {
      name: "WeChat token, unknown appid",
      vendor: "wechat",
      code: "errcode",
      call: { method: "GET", path: "/cgi-bin/token?grant_type=client_credential&appid=wxnope&secret=x" },
      expected: { status: 200, code: 40013 },
    },
    {
      name: "WeChat stable_token, wrong secret",
      vendor: "wechat",
      code: "errcode",
      call: { method: "POST", path: "/cgi-bin/stable_token", body: { grant_type: "client_credential", appid: "wx000000000000demo", secret: "wrong" } },
      expected: { status: 200, code: 40125 },
    },
    {
      name: "Feishu ticket, a token it does not know",
      vendor: "feishu",
      code: "code",
      call: { method: "POST", path: "/open-apis/jssdk/ticket/get", body: {}, headers: { authorization: "Bearer t-stale-token" } },
      expected: { status: 400, code: 99991663 },
    },
    {
      name: "Feishu ticket, no token",
      vendor: "feishu",
      code: "code",
      call: { method: "POST", path: "/open-apis/jssdk/ticket/get", body: {} },
      expected: { status: 400, code: 99991661 },
    },
    {
      name: "Feishu token, wrong secret",
      vendor: "feishu",
      code: "code",
      call: { method: "POST", path: "/open-apis/auth/v3/tenant_access_token/internal", body: { app_id: "cli_demo000000000000", app_secret: "wrong" } },
      expected: { status: 400, code: 10014 },
    },
    {
      name: "Feishu token, unknown app",
      vendor: "feishu",
      code: "code",
      call: { method: "POST", path: "/open-apis/auth/v3/tenant_access_token/internal", body: { app_id: "cli_nope", app_secret: "x" } },
      expected: { status: 400, code: 10003 },
    },
    {
      name: "FaceID SIGN ticket, a token it does not know",
      vendor: "faceid",
      code: "code",
      call: { method: "GET", path: "/api/oauth2/api_ticket?app_id=IDAdemo1&access_token=stale&type=SIGN&version=1.0.0" },
      expected: { status: 200, code: "400103" },
    },
    {
      name: "FaceID ticket, lower-case type",
      vendor: "faceid",
      code: "code",
      call: { method: "GET", path: "/api/oauth2/api_ticket?app_id=IDAdemo1&access_token=x&type=sign&version=1.0.0" },
      expected: { status: 200, code: "400101" },
    },
    {
      name: "FaceID token, wrong secret",
      vendor: "faceid",
      code: "code",
      call: { method: "GET", path: "/api/oauth2/access_token?app_id=IDAdemo1&secret=wrong&grant_type=client_credential&version=1.0.0" },
      expected: { status: 200, code: "400104" },
    },
    {
      name: "yzb ticket, a token it does not know",
      vendor: "yzb",
      code: "status",
      call: { method: "POST", path: "/OAuth2/ticket", body: { app_id: "yzbdemo1", access_token: "stale", type: "js_ticket" } },
      expected: { status: 200, code: "4102" },
    },
    {
      name: "yzb server token, wrong secret",
      vendor: "yzb",
      code: "status",
      call: { method: "POST", path: "/OAuth2/accessToken", body: { app_id: "yzbdemo1", secret: "wrong" } },
      expected: { status: 200, code: "4102" },
    },
    {
      name: "yzb token, wrong secret",
      vendor: "yzb",
      code: "status",
      call: { method: "POST", path: "/OAuth2/token", body: { app_id: "yzbdemo1", secret: "wrong", grant_type: "authorization_code", code: "x" } },
      expected: { status: 200, code: "4001" },
    },
  ];

  for (const c of cases) {
    it(`${c.name}: HTTP ${c.expected.status}, ${c.code} ${c.expected.code}, as the vendor answers`, async () => {
      const vendor = await sandbox(c.call);
      const ours = await proxy(c.vendor, c.call);
      expect({ status: vendor.status, code: vendor.body[c.code] }).toEqual(c.expected);
      expect({ status: ours.status, code: ours.body[c.code] }).toEqual(c.expected);
    });
  }

  it("yzb errors carry data: [] and FaceID errors a transactionTime, as the documents show", async () => {
    const yzb = await proxy("yzb", { method: "POST", path: "/OAuth2/ticket", body: { app_id: "yzbdemo1", access_token: "stale", type: "js_ticket" } });
    expect(yzb.body).toMatchObject({ status: "4102", message: expect.any(String), data: [] });
    const faceid = await proxy("faceid", { method: "GET", path: "/api/oauth2/api_ticket?app_id=IDAdemo1&access_token=stale&type=SIGN&version=1.0.0" });
    expect(faceid.body).toMatchObject({ code: "400103", msg: expect.any(String), transactionTime: expect.stringMatching(/^\d{14}$/) });
  });

  it("'try again later' and bad input: WeChat, FaceID and yzb answer 200, Feishu 500 and 400", async () => {
    const { wechatProxy } = await import("./wechat");
    const { feishuProxy } = await import("./feishu");
    const { faceidProxy } = await import("./faceid");
    const { yzbProxy } = await import("./yzb");
    const shape = async (answer: { status: number; body: unknown }) => ({ status: answer.status, body: answer.body });
    expect(await shape(wechatProxy.unavailable("x"))).toMatchObject({ status: 200, body: { errcode: -1 } });
    expect(await shape(wechatProxy.badRequest("x"))).toMatchObject({ status: 200, body: { errcode: 40097 } });
    expect(await shape(feishuProxy.unavailable("x"))).toMatchObject({ status: 500, body: { code: 1000004 } });
    expect(await shape(feishuProxy.badRequest("x"))).toMatchObject({ status: 400, body: { code: 10003 } });
    expect(await shape(faceidProxy.unavailable("x"))).toMatchObject({ status: 200, body: { code: "-1" } });
    expect(await shape(faceidProxy.badRequest("x"))).toMatchObject({ status: 200, body: { code: "400101" } });
    expect(await shape(yzbProxy.unavailable("x"))).toMatchObject({ status: 200, body: { status: "5000", data: [] } });
    expect(await shape(yzbProxy.badRequest("x"))).toMatchObject({ status: 200, body: { status: "4001", data: [] } });
  });

  it("a path the vendor does not have: 404, like the vendor, in its shape", async () => {
    for (const [vendor, field] of [
      ["wechat", "errcode"],
      ["feishu", "code"],
      ["faceid", "code"],
      ["yzb", "status"],
    ] as const) {
      const res = await proxy(vendor, { method: "GET", path: "/cgi-bin/menu/get" });
      expect(res.status, vendor).toBe(404);
      expect(res.body[field], vendor).toBeDefined();
      expect((await sandbox({ method: "GET", path: "/cgi-bin/menu/get" })).status).toBe(404);
    }
  });
});
