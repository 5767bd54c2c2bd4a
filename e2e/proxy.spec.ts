import { expect, test } from "@playwright/test";
import WechatAPI, { type AccessToken } from "co-wechat-api";
import { sandboxStats, startStack, type Stack } from "./support/stack";
import { api, authedRequest } from "./support/auth";

const WECHAT = { appid: "wx000000000000demo", secret: "demo-wechat-secret" };

async function credentialId(base: string, vendor: string, kind: string): Promise<string> {
  const list = await (await api(base, "/api/credentials")).json();
  const c = list.credentials.find((x: { vendor: string; kind: string }) => x.vendor === vendor && x.kind === kind);
  expect(c, `${vendor} ${kind}`).toBeTruthy();
  return c.id;
}

test.describe("vendor-compatible proxy", () => {
  let stack: Stack;
  test.beforeAll(async () => {
    // No scheduler: every credential stays cold until a client asks for it.
    stack = await startStack({ env: { TICKETHUB_SCHEDULER: "off" } });
  });
  test.afterAll(async () => {
    await stack?.stop();
  });

  test("20 concurrent cold clients cause one token call and one ticket call upstream", async () => {
    const base = `${stack.baseUrl}/api/proxy/wechat/cgi-bin`;
    const client = async () => {
      const t = await (await fetch(`${base}/token?grant_type=client_credential&appid=${WECHAT.appid}&secret=${WECHAT.secret}`)).json();
      const res = await fetch(`${base}/ticket/getticket?access_token=${encodeURIComponent(t.access_token)}&type=jsapi`);
      expect(res.headers.get("content-type")).toMatch(/^application\/json/);
      return res.json();
    };
    const answers = await Promise.all(Array.from({ length: 20 }, client));
    expect(new Set(answers.map((a) => a.ticket)).size).toBe(1);
    for (const a of answers) {
      expect(a.errcode).toBe(0);
      expect(typeof a.expires_in).toBe("number");
      expect(a.expires_in).toBeGreaterThan(7100);
    }
    const stats = await sandboxStats(stack.sandboxUrl);
    console.log(`cold herd: 20 clients → token calls ${stats.calls["wechat /cgi-bin/token"]}, ticket calls ${stats.calls["wechat /cgi-bin/ticket/getticket"]}`);
    expect(stats.calls["wechat /cgi-bin/token"]).toBe(1);
    expect(stats.calls["wechat /cgi-bin/ticket/getticket"]).toBe(1);
    expect(stats.inFlightMax["wechat /cgi-bin/token"]).toBe(1);
    expect(stats.inFlightMax["wechat /cgi-bin/ticket/getticket"]).toBe(1);
  });

  test("co-wechat-api pointed at the proxy signs exactly as Ticket Hub does", async () => {
    const api = new WechatAPI(WECHAT.appid, WECHAT.secret);
    api.prefix = `${stack.baseUrl}/api/proxy/wechat/cgi-bin/`;
    const url = "https://shop.example.com/pay?order=42";
    const config = await api.getJsConfig({ debug: false, jsApiList: ["chooseImage"], url });
    expect(config.appId).toBe(WECHAT.appid);
    expect(config.signature).toMatch(/^[0-9a-f]{40}$/);

    const ours = await (await authedRequest(stack.baseUrl, "operator")).post(`${stack.baseUrl}/api/signatures/jssdk`, {
      data: { credentialId: await credentialId(stack.baseUrl, "wechat", "jsapi_ticket"), url, nonceStr: config.nonceStr, timestamp: Number(config.timestamp) },
    });
    expect(ours.status()).toBe(200);
    const body = await ours.json();
    expect(body.signature).toBe(config.signature);
    expect(body.appId).toBe(WECHAT.appid);
    // The ticket itself never reaches the browser.
    expect(JSON.stringify(body)).not.toContain((await api.getLatestTicket()).ticket);
  });

  test("co-wechat-api holding a token Ticket Hub no longer accepts recovers on its own: 40001, a new token, the ticket", async () => {
    const base = `${stack.baseUrl}/api/proxy/wechat/cgi-bin`;
    const current = await (await fetch(`${base}/token?grant_type=client_credential&appid=${WECHAT.appid}&secret=${WECHAT.secret}`)).json();
    const served = await (await fetch(`${base}/ticket/getticket?access_token=${encodeURIComponent(current.access_token)}&type=jsapi`)).json();
    const stale = { accessToken: "token-from-before-a-rotation-0000000000", expireTime: Date.now() + 3600_000 };
    // Both ways in: getTicket asks straight away; getLatestTicket goes through the SDK's ticket cache first.
    for (const call of ["getTicket", "getLatestTicket"] as const) {
      // The SDK's token store still holds a token from before (its own cache has not expired).
      let stored: AccessToken | null = stale;
      const saved: (string | null)[] = [];
      const sdk = new WechatAPI(
        WECHAT.appid,
        WECHAT.secret,
        async () => stored,
        async (t) => {
          stored = t;
          saved.push(t?.accessToken ?? null);
        },
      );
      sdk.prefix = `${base}/`;
      const ticket = call === "getTicket" ? await sdk.getTicket("jsapi") : await sdk.getLatestTicket();
      expect(ticket.ticket, call).toBe(served.ticket);
      // Its recovery ran: the stale token dropped, a new one fetched through the proxy and kept.
      expect(saved, call).toEqual([null, current.access_token]);
    }
  });

  test("every vendor's token and ticket come through the proxy with a remaining lifetime", async ({ request }) => {
    const p = `${stack.baseUrl}/api/proxy`;
    const feishuToken = await (
      await request.post(`${p}/feishu/open-apis/auth/v3/tenant_access_token/internal`, {
        data: { app_id: "cli_demo000000000000", app_secret: "demo-feishu-secret" },
      })
    ).json();
    expect(feishuToken).toMatchObject({ code: 0, tenant_access_token: expect.any(String), expire: expect.any(Number) });
    const feishuTicket = await (
      await request.post(`${p}/feishu/open-apis/jssdk/ticket/get`, { headers: { authorization: `Bearer ${feishuToken.tenant_access_token}` }, data: {} })
    ).json();
    expect(feishuTicket).toMatchObject({ code: 0, data: { ticket: expect.any(String), expire_in: expect.any(Number) } });

    const faceToken = await (
      await request.get(`${p}/faceid/api/oauth2/access_token?app_id=IDAdemo1&secret=demo-faceid-secret&grant_type=client_credential&version=1.0.0`)
    ).json();
    expect(faceToken).toMatchObject({ code: "0", access_token: expect.any(String), expire_in: expect.any(Number) });
    const sign = await (
      await request.get(`${p}/faceid/api/oauth2/api_ticket?app_id=IDAdemo1&access_token=${encodeURIComponent(faceToken.access_token)}&type=SIGN&version=1.0.0`)
    ).json();
    expect(sign.tickets).toHaveLength(1);
    // expire_in as the documents' examples send it: a string.
    expect(sign.tickets[0].expire_in).toMatch(/^\d+$/);
    expect(Number(sign.tickets[0].expire_in)).toBeLessThanOrEqual(3600);
    const nonceUrl = `${p}/faceid/api/oauth2/api_ticket?app_id=IDAdemo1&access_token=${encodeURIComponent(faceToken.access_token)}&type=NONCE&version=1.0.0&user_id=qa-user_1`;
    const n1 = await (await request.get(nonceUrl)).json();
    const n2 = await (await request.get(nonceUrl)).json();
    expect(n1.tickets[0].expire_in).toBe("120");
    expect(n1.tickets[0].value).not.toBe(n2.tickets[0].value); // NONCE is never reused

    const yzbToken = await (await request.post(`${p}/yzb/OAuth2/accessToken`, { data: { app_id: "yzbdemo1", secret: "demo-yzb-secret" } })).json();
    expect(yzbToken).toMatchObject({ status: "2000", data: { access_token: expect.any(String) } });
    const jsTicket = await (
      await request.post(`${p}/yzb/OAuth2/ticket`, { data: { app_id: "yzbdemo1", access_token: yzbToken.data.access_token, type: "js_ticket" } })
    ).json();
    expect(jsTicket).toMatchObject({ status: "2000", data: { ticket: expect.any(String), expires_in: expect.any(Number) } });
    const check = await (
      await request.post(`${p}/yzb/OAuth2/checkCode`, { data: { app_id: "yzbdemo1", type: "js_ticket", code: jsTicket.data.ticket } })
    ).json();
    expect(check.status).toBe("2000");
    expect(check.data.expires_in * 1000).toBeGreaterThan(Date.now() + 7000_000); // absolute unix time
    const minted = await (
      await fetch(`${stack.sandboxUrl}/__sandbox/yzb/auth-code`, { method: "POST", body: JSON.stringify({ appId: "yzbdemo1", openId: "open-id-42" }) })
    ).json();
    const exchanged = await (
      await request.post(`${p}/yzb/OAuth2/token`, {
        data: { app_id: "yzbdemo1", secret: "demo-yzb-secret", grant_type: "authorization_code", code: minted.code },
      })
    ).json();
    expect(exchanged).toMatchObject({ status: 2000, data: { open_id: "open-id-42" } });
  });

  test("stable_token with force_refresh does not renew a token that is seconds old", async ({ request }) => {
    const url = `${stack.baseUrl}/api/proxy/wechat/cgi-bin/stable_token`;
    const ask = async (force: boolean) =>
      (await request.post(url, { data: { grant_type: "client_credential", appid: WECHAT.appid, secret: WECHAT.secret, force_refresh: force } })).json();
    const first = await ask(true);
    const calls = (await sandboxStats(stack.sandboxUrl)).calls["wechat /cgi-bin/token"] ?? 0;
    const again = await ask(true);
    expect(again.access_token).toBe(first.access_token);
    expect((await sandboxStats(stack.sandboxUrl)).calls["wechat /cgi-bin/token"] ?? 0).toBe(calls);
  });

  test("bad input gets the vendor's status and shape and changes nothing", async ({ request }) => {
    const p = `${stack.baseUrl}/api/proxy`;
    const snapshot = async () =>
      JSON.stringify(
        (await (await api(stack.baseUrl, "/api/credentials")).json()).credentials.map((c: { id: string; generation: number; current: unknown }) => [
          c.id,
          c.generation,
          c.current,
        ]),
      );
    const t = await (
      await request.get(`${p}/faceid/api/oauth2/access_token?app_id=IDAdemo1&secret=demo-faceid-secret&grant_type=client_credential&version=1.0.0`)
    ).json();
    const before = await snapshot();
    const callsBefore = (await sandboxStats(stack.sandboxUrl)).calls;
    const ft = encodeURIComponent(t.access_token);

    const cases: { name: string; send: () => Promise<import("@playwright/test").APIResponse>; shape: Record<string, unknown>; status?: number }[] = [
      {
        name: "wechat token without appid",
        send: () => request.get(`${p}/wechat/cgi-bin/token?grant_type=client_credential&secret=x`),
        shape: { errcode: 41002 },
      },
      {
        name: "wechat token, unknown app",
        send: () => request.get(`${p}/wechat/cgi-bin/token?grant_type=client_credential&appid=wxnope&secret=x`),
        shape: { errcode: 40013 },
      },
      {
        name: "wechat token, wrong secret",
        send: () => request.get(`${p}/wechat/cgi-bin/token?grant_type=client_credential&appid=${WECHAT.appid}&secret=wrong`),
        shape: { errcode: 40125 },
      },
      {
        name: "wechat stable_token, force_refresh not a boolean",
        send: () =>
          request.post(`${p}/wechat/cgi-bin/stable_token`, {
            data: { grant_type: "client_credential", appid: WECHAT.appid, secret: WECHAT.secret, force_refresh: "yes" },
          }),
        shape: { errcode: 40097 },
      },
      {
        name: "wechat stable_token, malformed JSON",
        send: () => request.post(`${p}/wechat/cgi-bin/stable_token`, { headers: { "content-type": "application/json" }, data: "{nope" }),
        shape: { errcode: 40097 },
      },
      { name: "wechat getticket without token", send: () => request.get(`${p}/wechat/cgi-bin/ticket/getticket?type=jsapi`), shape: { errcode: 41001 } },
      {
        name: "wechat getticket, forged token",
        send: () => request.get(`${p}/wechat/cgi-bin/ticket/getticket?type=jsapi&access_token=forged`),
        shape: { errcode: 40001 },
      },
      {
        name: "wechat getticket, bad type",
        send: () => request.get(`${p}/wechat/cgi-bin/ticket/getticket?type=JSAPI&access_token=x`),
        shape: { errcode: 40097 },
      },
      {
        name: "feishu token, app_id a number",
        send: () => request.post(`${p}/feishu/open-apis/auth/v3/tenant_access_token/internal`, { data: { app_id: 42, app_secret: "x" } }),
        shape: { code: 10003 },
      },
      {
        name: "feishu token, unknown app",
        send: () => request.post(`${p}/feishu/open-apis/auth/v3/tenant_access_token/internal`, { data: { app_id: "cli_nope", app_secret: "x" } }),
        shape: { code: 10003 },
      },
      { name: "feishu ticket without bearer", send: () => request.post(`${p}/feishu/open-apis/jssdk/ticket/get`, { data: {} }), shape: { code: 99991661 } },
      {
        name: "faceid token, missing version",
        send: () => request.get(`${p}/faceid/api/oauth2/access_token?app_id=IDAdemo1&secret=demo-faceid-secret&grant_type=client_credential`),
        shape: { code: "400101" },
      },
      {
        name: "faceid NONCE, 31-char user_id",
        send: () => request.get(`${p}/faceid/api/oauth2/api_ticket?app_id=IDAdemo1&access_token=${ft}&type=NONCE&version=1.0.0&user_id=${"u".repeat(31)}`),
        shape: { code: "400101" },
      },
      {
        name: "faceid NONCE, user@id",
        send: () => request.get(`${p}/faceid/api/oauth2/api_ticket?app_id=IDAdemo1&access_token=${ft}&type=NONCE&version=1.0.0&user_id=user%40id`),
        shape: { code: "400101" },
      },
      {
        name: "faceid ticket, lower-case type",
        send: () => request.get(`${p}/faceid/api/oauth2/api_ticket?app_id=IDAdemo1&access_token=${ft}&type=sign&version=1.0.0`),
        shape: { code: "400101" },
      },
      {
        name: "faceid ticket, token of another app",
        send: () => request.get(`${p}/faceid/api/oauth2/api_ticket?app_id=IDAnope1&access_token=${ft}&type=SIGN&version=1.0.0`),
        shape: { code: "400103" },
      },
      {
        name: "yzb server token, secret a number",
        send: () => request.post(`${p}/yzb/OAuth2/accessToken`, { data: { app_id: "yzbdemo1", secret: 123 } }),
        shape: { status: "4001", data: [] },
      },
      {
        name: "yzb server token, wrong secret",
        send: () => request.post(`${p}/yzb/OAuth2/accessToken`, { data: { app_id: "yzbdemo1", secret: "nope" } }),
        shape: { status: "4102" },
      },
      {
        name: "yzb server token, unknown app",
        send: () => request.post(`${p}/yzb/OAuth2/accessToken`, { data: { app_id: "nope", secret: "nope" } }),
        shape: { status: "4001" },
      },
      {
        name: "yzb ticket, missing access_token",
        send: () => request.post(`${p}/yzb/OAuth2/ticket`, { data: { app_id: "yzbdemo1", type: "js_ticket" } }),
        shape: { status: "4001", data: [] },
      },
      {
        name: "yzb ticket, wrong type",
        send: () => request.post(`${p}/yzb/OAuth2/ticket`, { data: { app_id: "yzbdemo1", access_token: "x", type: "jsapi" } }),
        shape: { status: "4001" },
      },
      {
        name: "yzb checkCode, unknown app",
        send: () => request.post(`${p}/yzb/OAuth2/checkCode`, { data: { app_id: "nope", type: "js_ticket", code: "x" } }),
        shape: { status: "4001" },
      },
      {
        name: "yzb token, wrong grant_type",
        send: () => request.post(`${p}/yzb/OAuth2/token`, { data: { app_id: "yzbdemo1", secret: "demo-yzb-secret", grant_type: "password", code: "x" } }),
        shape: { status: "4001" },
      },
      { name: "unknown path", send: () => request.get(`${p}/wechat/cgi-bin/menu/get`), shape: { errcode: 40097 }, status: 404 },
    ];
    for (const c of cases) {
      const res = await c.send();
      // As the vendors answer: WeChat, FaceID and yzb with HTTP 200 and the code in the body, Feishu with 400.
      const vendor = /\/proxy\/(\w+)\//.exec(res.url())![1]!;
      expect(res.status(), c.name).toBe(c.status ?? (vendor === "feishu" ? 400 : 200));
      expect(res.headers()["content-type"], c.name).toMatch(/^application\/json/);
      expect(await res.json(), c.name).toMatchObject(c.shape);
    }
    expect(await snapshot()).toBe(before);
    expect((await sandboxStats(stack.sandboxUrl)).calls).toEqual(callsBefore);
  });
});
