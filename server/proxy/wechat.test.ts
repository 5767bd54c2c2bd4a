// The WeChat proxy's force_refresh rules against a real database and the sandbox, with the
// clock moved forward (Date only) instead of waiting.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startHarness, type Harness } from "@/test-support/engine-harness";

describe("WeChat proxy: stable_token force_refresh", () => {
  let h: Harness;
  let route: (body: unknown) => Promise<{ status: number; body: Record<string, unknown> }>;

  beforeAll(async () => {
    h = await startHarness("sqlite");
    const { wechatProxy } = await import("./wechat");
    route = async (body) => {
      const res = await wechatProxy.routes["POST /cgi-bin/stable_token"]!({
        method: "POST",
        path: "/cgi-bin/stable_token",
        query: new URLSearchParams(),
        headers: new Headers(),
        body: body as Record<string, unknown>,
      });
      return { status: res.status, body: res.body as Record<string, unknown> };
    };
  }, 120_000);
  afterAll(async () => {
    vi.useRealTimers();
    await h?.close();
  });

  const ask = (force: boolean) => route({ grant_type: "client_credential", appid: "wx000000000000demo", secret: "demo-wechat-secret", force_refresh: force });
  const tokenCalls = async () => (await h.stats()).calls["wechat /cgi-bin/token"] ?? 0;

  it("renews a token older than 30 s through the single-flight refresh, at most 20 times a day", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: new Date("2026-03-01T01:00:00Z") });
    const first = await ask(false);
    expect(first.status).toBe(200);
    expect(await tokenCalls()).toBe(1);

    vi.setSystemTime(new Date("2026-03-01T01:00:31Z"));
    const forced = await Promise.all([ask(true), ask(true), ask(true)]);
    // Three callers at once: one refresh upstream.
    expect(await tokenCalls()).toBe(2);
    expect(forced.every((r) => r.body.access_token !== first.body.access_token)).toBe(true);

    // Within 30 s of the last renewal: handed back, no upstream call.
    expect((await ask(true)).body.access_token).toBe(forced[0]!.body.access_token);
    expect(await tokenCalls()).toBe(2);

    for (let i = 2; i <= 20; i++) {
      vi.setSystemTime(new Date(Date.parse("2026-03-01T01:00:31Z") + i * 31_000));
      expect((await ask(true)).status).toBe(200);
    }
    vi.setSystemTime(new Date(Date.parse("2026-03-01T01:00:31Z") + 21 * 31_000));
    const limited = await ask(true);
    // WeChat answers its quota errors with HTTP 200 and the errcode.
    expect(limited.status).toBe(200);
    expect(limited.body.errcode).toBe(45009);
    expect(await tokenCalls()).toBe(21);
  });
});
