// The sandbox's WeChat endpoints over real HTTP: documented lifetimes, overlap, errors, counters.
import { describe, expect, it } from "vitest";
import { loopbackForFile } from "@/test-support/loopback";
import { createSandbox } from "./server";

const sandbox = createSandbox();
const listening = loopbackForFile(sandbox.server);

const get = async (path: string) => {
  const res = await fetch(listening.origin + path);
  return { status: res.status, type: res.headers.get("content-type"), body: (await res.json()) as Record<string, unknown> };
};
const token = async () => (await get("/cgi-bin/token?grant_type=client_credential&appid=wx000000000000demo&secret=demo-wechat-secret")).body;
const ticket = async (t: string) => get(`/cgi-bin/ticket/getticket?access_token=${encodeURIComponent(t)}&type=jsapi`);
const advance = (seconds: number) => fetch(`${listening.origin}/__sandbox/clock`, { method: "POST", body: JSON.stringify({ advanceSeconds: seconds }) });

describe("sandbox: WeChat", () => {
  it("issues a 7200 s token as JSON and a ticket with it", async () => {
    const t = await token();
    expect(t.expires_in).toBe(7200);
    const res = await ticket(t.access_token as string);
    expect(res.type).toMatch(/^application\/json/);
    expect(res.body).toMatchObject({ errcode: 0, errmsg: "ok", expires_in: 7200 });
    expect(typeof res.body.ticket).toBe("string");
  });

  it("rejects a wrong secret, an unknown app and a missing appid with WeChat's codes", async () => {
    expect((await get("/cgi-bin/token?grant_type=client_credential&appid=wx000000000000demo&secret=nope")).body.errcode).toBe(40001);
    expect((await get("/cgi-bin/token?grant_type=client_credential&appid=wxunknown&secret=x")).body.errcode).toBe(40013);
    expect((await get("/cgi-bin/token?grant_type=client_credential")).body.errcode).toBe(41002);
    expect((await ticket("not-a-token")).body.errcode).toBe(40001);
  });

  it("keeps the previous token valid for 5 minutes after a new one, then refuses it", async () => {
    const old = (await token()).access_token as string;
    await token();
    expect((await ticket(old)).body.errcode).toBe(0);
    await advance(301);
    expect((await ticket(old)).body.errcode).toBe(42001);
  });

  it("expires a token after 7200 s", async () => {
    const t = (await token()).access_token as string;
    await advance(7201);
    expect((await ticket(t)).body.errcode).toBe(42001);
  });

  it("counts calls per endpoint and zeroes them on reset", async () => {
    await fetch(`${listening.origin}/__sandbox/reset`, { method: "POST" });
    await token();
    await token();
    const stats = (await get("/__sandbox/stats")).body as { calls: Record<string, number>; inFlightMax: Record<string, number> };
    expect(stats.calls).toEqual({ "wechat /cgi-bin/token": 2 });
    expect(stats.inFlightMax).toEqual({ "wechat /cgi-bin/token": 1 });
    await fetch(`${listening.origin}/__sandbox/reset`, { method: "POST" });
    expect((await get("/__sandbox/stats")).body.calls).toEqual({});
  });

  it("injects faults per endpoint, a limited number of times", async () => {
    const res = await fetch(`${listening.origin}/__sandbox/faults`, {
      method: "POST",
      body: JSON.stringify({ endpoint: "wechat /cgi-bin/token", mode: "busy", times: 1 }),
    });
    expect(res.status).toBe(200);
    expect((await token()).errcode).toBe(-1);
    expect((await token()).expires_in).toBe(7200);
    const bad = await fetch(`${listening.origin}/__sandbox/faults`, { method: "POST", body: JSON.stringify({ endpoint: "wechat /x", mode: "explode" }) });
    expect(bad.status).toBe(400);
  });
});
