// The sandbox's Feishu, FaceID and yzb endpoints over real HTTP: the documented lifetimes,
// overlap windows, tickets dying with their token, NONCE single use, secret changes, quotas.
import { beforeEach, describe, expect, it } from "vitest";
import { loopbackForFile } from "@/test-support/loopback";
import { createSandbox } from "./server";

const sandbox = createSandbox();
const listening = loopbackForFile(sandbox.server);
beforeEach(() => {
  // Fresh state (and clock) for every test, on the same server.
  sandbox.state.issued.clear();
  sandbox.state.clockOffsetMs = 0;
  sandbox.state.resetCounters();
  sandbox.state.faults.clear();
});

// biome-ignore lint/suspicious/noExplicitAny: vendor bodies, checked field by field
type J = Record<string, any>;
const get = async (path: string): Promise<J> => (await fetch(listening.origin + path)).json();
const post = async (path: string, body: unknown, headers: Record<string, string> = {}): Promise<J> =>
  (
    await fetch(listening.origin + path, {
      method: "POST",
      headers: { "content-type": "application/json; charset=utf-8", ...headers },
      body: JSON.stringify(body),
    })
  ).json();
const advance = (s: number) => post("/__sandbox/clock", { advanceSeconds: s });

describe("sandbox: Feishu", () => {
  const token = () => post("/open-apis/auth/v3/tenant_access_token/internal", { app_id: "cli_demo000000000000", app_secret: "demo-feishu-secret" });
  const ticket = (t: string) => post("/open-apis/jssdk/ticket/get", {}, { authorization: `Bearer ${t}` });

  it("returns the same token while ≥30 min are left, with the remaining `expire`", async () => {
    const a = await token();
    expect(a).toMatchObject({ code: 0, expire: 7200 });
    await advance(600);
    const b = await token();
    expect(b.tenant_access_token).toBe(a.tenant_access_token);
    expect(b.expire).toBeGreaterThanOrEqual(6599);
    expect(b.expire).toBeLessThanOrEqual(6600);
  });

  it("issues a new token with <30 min left and keeps both valid", async () => {
    const a = await token();
    await advance(7200 - 1700);
    const b = await token();
    expect(b.tenant_access_token).not.toBe(a.tenant_access_token);
    expect(b.expire).toBe(7200);
    expect((await ticket(a.tenant_access_token)).code).toBe(0);
    expect((await ticket(b.tenant_access_token)).code).toBe(0);
  });

  it("answers the documented ticket shape and 99991663 for a bad token", async () => {
    const t = await token();
    expect(await ticket(t.tenant_access_token)).toMatchObject({ code: 0, msg: "ok", data: { expire_in: 7200, ticket: expect.any(String) } });
    expect((await ticket("t-forged")).code).toBe(99991663);
  });
});

describe("sandbox: FaceID", () => {
  const token = () => get("/api/oauth2/access_token?app_id=IDAdemo1&secret=demo-faceid-secret&grant_type=client_credential&version=1.0.0");
  const ticket = (t: string, type: string, userId?: string) =>
    get(`/api/oauth2/api_ticket?app_id=IDAdemo1&access_token=${encodeURIComponent(t)}&type=${type}&version=1.0.0${userId ? `&user_id=${userId}` : ""}`);

  it("answers with string codes and a one-element tickets list (SIGN 3600 s)", async () => {
    const t = await token();
    expect(t).toMatchObject({ code: "0", expire_in: 7200, access_token: expect.any(String), expire_time: expect.stringMatching(/^\d{14}$/) });
    const s = await ticket(t.access_token, "SIGN");
    expect(s.code).toBe("0");
    expect(s.tickets).toHaveLength(1);
    expect(s.tickets[0].expire_in).toBe("3600");
  });

  it("keeps the old token 1 minute after a new one, and its tickets die with it", async () => {
    const old = await token();
    const sign = (await ticket(old.access_token, "SIGN")).tickets[0].value as string;
    await token();
    expect(sandbox.state.valid(sign, "faceid", "sign_ticket")).not.toBeNull();
    await advance(61);
    expect((await ticket(old.access_token, "SIGN")).code).toBe("400103");
    expect(sandbox.state.valid(sign, "faceid", "sign_ticket")).toBeNull();
  });

  it("issues NONCE tickets for 120 s, single use, and checks user_id", async () => {
    const t = await token();
    const n = await ticket(t.access_token, "NONCE", "qa-user_1");
    expect(n.tickets[0].expire_in).toBe("120");
    const use = (v: string) => fetch(`${listening.origin}/__sandbox/faceid/nonce/use`, { method: "POST", body: JSON.stringify({ ticket: v }) });
    expect((await use(n.tickets[0].value)).status).toBe(200);
    expect((await use(n.tickets[0].value)).status).toBe(409);
    expect((await ticket(t.access_token, "NONCE", "u".repeat(31))).code).toBe("400101");
    expect((await ticket(t.access_token, "NONCE", "user%40id")).code).toBe("400101");
    expect((await ticket(t.access_token, "sign")).code).toBe("400101");
  });

  it("kills every token and ticket when the secret changes", async () => {
    const t = await token();
    await post("/__sandbox/apps", { vendor: "faceid", appId: "IDAdemo1", secret: "new-secret" });
    try {
      expect((await ticket(t.access_token, "SIGN")).code).toBe("400103");
      expect((await token()).code).toBe("400104");
    } finally {
      await post("/__sandbox/apps", { vendor: "faceid", appId: "IDAdemo1", secret: "demo-faceid-secret" });
    }
  });
});

describe("sandbox: yzb", () => {
  const token = () => post("/OAuth2/accessToken", { app_id: "yzbdemo1", secret: "demo-yzb-secret", grant_type: "client_credential" });
  const ticket = (t: string) => post("/OAuth2/ticket", { app_id: "yzbdemo1", access_token: t, type: "js_ticket" });
  const check = (type: string, code: string) => post("/OAuth2/checkCode", { app_id: "yzbdemo1", type, code });

  it("keeps the previous js_ticket 10 minutes after a new one", async () => {
    const t = (await token()).data.access_token;
    const first = (await ticket(t)).data.ticket;
    expect(first.length).toBeLessThanOrEqual(128);
    await ticket(t);
    await advance(599);
    expect((await check("js_ticket", first)).status).toBe("2000");
    await advance(2);
    expect(await check("js_ticket", first)).toEqual({ status: "4102", message: "js_ticket is invalid", data: [] });
  });

  it("checkCode answers an absolute unix time", async () => {
    const t = (await token()).data.access_token;
    const res = await check("access_token", t);
    expect(res.data.expires_in).toBeGreaterThan(Math.floor(Date.now() / 1000) + 7100);
  });

  it("accepts form-encoded bodies too", async () => {
    const res = await fetch(`${listening.origin}/OAuth2/accessToken`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "app_id=yzbdemo1&secret=demo-yzb-secret&grant_type=client_credential",
    });
    expect((await res.json()).status).toBe("2000");
  });
});

describe("sandbox: quotas", () => {
  it("WeChat stable_token force_refresh: ≥30 s apart, 20 a day", async () => {
    const force = () =>
      post("/cgi-bin/stable_token", { grant_type: "client_credential", appid: "wx000000000000demo", secret: "demo-wechat-secret", force_refresh: true });
    // 20 calls 31 s apart take ~10 simulated minutes: start them in a vendors' day (UTC+8) that lasts
    // that long, or the daily count resets midway (the suite run at 23:55 UTC+8).
    const toMidnightMs = 86_400_000 - ((Date.now() + 8 * 3_600_000) % 86_400_000);
    if (toMidnightMs < 15 * 60_000) await advance(Math.ceil(toMidnightMs / 1000) + 5);
    expect((await force()).expires_in).toBe(7200);
    expect((await force()).errcode).toBe(45011);
    for (let i = 1; i < 20; i++) {
      await advance(31);
      expect((await force()).access_token, `force ${i + 1}`).toBeTruthy();
    }
    await advance(31);
    expect((await force()).errcode).toBe(45009);
  });
});
