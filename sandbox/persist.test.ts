// The sandbox remembers across a restart what a vendor remembers: a token issued before the
// restart is still accepted after it, expired values are forgotten, the simulated clock never
// runs back, and the file holds no plaintext token, ticket or secret.
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadState, persistState } from "./persist";
import { createSandbox } from "./server";
import { SandboxState } from "./state";

const APPID = "wx000000000000demo";
const running: { close: () => Promise<void> }[] = [];
afterEach(async () => {
  for (const r of running.splice(0)) await r.close();
});

/** A sandbox process, as sandbox/main.ts starts it with SANDBOX_STATE_FILE. */
async function start(file: string, state = new SandboxState()) {
  loadState(state, file);
  const saver = persistState(state, file, 20);
  const sandbox = createSandbox(state);
  await new Promise<void>((r) => sandbox.server.listen(0, "127.0.0.1", r));
  const base = `http://127.0.0.1:${(sandbox.server.address() as AddressInfo).port}`;
  const close = async () => {
    saver.stop();
    sandbox.server.closeAllConnections();
    await new Promise((r) => sandbox.server.close(r));
  };
  running.push({ close });
  const get = async (p: string) => (await fetch(base + p)).json();
  const post = async (p: string, body: unknown) => (await fetch(base + p, { method: "POST", body: JSON.stringify(body) })).json();
  return {
    state,
    base,
    get,
    post,
    close: async () => {
      running.splice(
        running.findIndex((r) => r.close === close),
        1,
      );
      await close();
    },
  };
}

const newFile = () => path.join(mkdtempSync(path.join(os.tmpdir(), "sandbox-state-")), "sandbox-state.json");
const token = (s: Awaited<ReturnType<typeof start>>) => s.get(`/cgi-bin/token?grant_type=client_credential&appid=${APPID}&secret=demo-wechat-secret`);
const ticket = (s: Awaited<ReturnType<typeof start>>, t: string) => s.get(`/cgi-bin/ticket/getticket?access_token=${encodeURIComponent(t)}&type=jsapi`);

describe("sandbox state file", () => {
  it("a token issued before a restart is still accepted by getticket after it", async () => {
    const file = newFile();
    const first = await start(file);
    const t = await token(first);
    const before = await ticket(first, t.access_token);
    expect(before.errcode).toBe(0);
    await first.close();

    const second = await start(file);
    expect(await ticket(second, t.access_token)).toMatchObject({ errcode: 0, ticket: expect.any(String) });
    // The ticket from before is remembered too.
    expect((await second.post("/__sandbox/valid", { vendor: "wechat", value: before.ticket })).valid).toBe(true);
    // Not listed as issued by this run: the run that issued it listed it (the e2e leak sweep).
    expect((await second.get("/__sandbox/issued")).values).not.toContain(t.access_token);
  });

  it("holds digests only: no token, ticket or secret in plaintext; written atomically", async () => {
    const file = newFile();
    const s = await start(file);
    const t = await token(s);
    const k = await ticket(s, t.access_token);
    await s.post("/__sandbox/apps", { vendor: "feishu", appId: "cli_other000000000000", secret: "another-app-secret-value" });
    await new Promise((r) => setTimeout(r, 100)); // past the debounce
    const text = readFileSync(file, "utf8");
    expect(JSON.parse(text).version).toBe(1);
    for (const plain of [t.access_token, k.ticket, "demo-wechat-secret", "another-app-secret-value"]) expect(text).not.toContain(plain);
    expect(readdirSync(path.dirname(file))).toEqual(["sandbox-state.json"]); // no temporary file left behind
  });

  it("forgets what expired while it was down, and an app's secret change survives the restart", async () => {
    const file = newFile();
    const first = await start(file);
    const old = await token(first);
    await first.post("/__sandbox/clock", { advanceSeconds: 7201 }); // `old` has expired
    const fresh = await token(first);
    await first.post("/__sandbox/apps", { vendor: "wechat", appId: "wxshop0000000000", secret: "shop-secret-1" });
    const shop = await first.get("/cgi-bin/token?grant_type=client_credential&appid=wxshop0000000000&secret=shop-secret-1");
    await first.post("/__sandbox/apps", { vendor: "wechat", appId: "wxshop0000000000", secret: "shop-secret-2" }); // kills `shop`
    await first.close();

    const second = await start(file);
    // The clock offset is remembered, so `fresh` is judged on the same clock.
    expect(await ticket(second, fresh.access_token)).toMatchObject({ errcode: 0 });
    // Dropped on load: unknown now (40001), no longer "expired" (42001).
    expect(await ticket(second, old.access_token)).toMatchObject({ errcode: 40001 });
    // Killed by the secret change before the restart, and still dead after it.
    expect((await ticket(second, shop.access_token)).errcode).not.toBe(0);
    expect((await second.get("/cgi-bin/token?grant_type=client_credential&appid=wxshop0000000000&secret=shop-secret-2")).access_token).toBeTruthy();
  });

  it("with SANDBOX_TIME_SCALE and a new epoch at restart, the simulated clock resumes where it stopped", async () => {
    const file = newFile();
    // An hour a second: by the time it issues, its clock is well ahead of real time.
    const first = await start(file, new SandboxState({ scale: 3600, epoch: Date.now() }));
    await new Promise((r) => setTimeout(r, 50));
    const t = await token(first);
    const stoppedAt = first.state.now();
    await first.close();

    const second = await start(file, new SandboxState({ scale: 3600, epoch: Date.now() }));
    expect(second.state.now()).toBeGreaterThanOrEqual(stoppedAt);
    expect(await ticket(second, t.access_token)).toMatchObject({ errcode: 0 });
  });

  it("without a file it starts empty; a corrupt file is reported and ignored", async () => {
    const file = newFile();
    const state = new SandboxState();
    expect(loadState(state, file)).toMatch(/no saved state/);
    const { writeFileSync } = await import("node:fs");
    writeFileSync(file, "{not json");
    expect(loadState(state, file)).toMatch(/not JSON/);
    writeFileSync(file, JSON.stringify({ version: 99 }));
    expect(loadState(state, file)).toMatch(/expected shape/);
    expect(state.issued.size).toBe(0);
  });
});
