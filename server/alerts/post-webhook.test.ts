// The guarded webhook delivery, against loopback listeners only: refusals are proved by a
// listener that counts connections and stays at 0.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { postWebhook, type Resolve } from "./post-webhook";

function listener(answer: (req: http.IncomingMessage, res: http.ServerResponse) => void) {
  const state = { connections: 0, bodies: [] as string[], port: 0 };
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      state.bodies.push(body);
      answer(req, res);
    });
  });
  server.on("connection", () => state.connections++);
  beforeAll(async () => {
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    state.port = (server.address() as AddressInfo).port;
  });
  beforeEach(() => {
    state.connections = 0;
    state.bodies.length = 0;
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });
  return state;
}

const target = listener((_q, r) => void r.writeHead(204).end());
const failing = listener((_q, r) => void r.writeHead(500, { "content-type": "text/plain" }).end("stack trace with db password hunter2"));
const redirecting = listener((_q, r) => void r.writeHead(302, { location: `http://127.0.0.1:${target.port}/landing` }).end());
const silent = listener(() => {}); // accepts, never answers

const BODY = JSON.stringify({ source: "tickethub", status: "firing" });
const toLoopback: Resolve = async () => [{ address: "127.0.0.1", family: 4 }];

describe("postWebhook: the address guard", () => {
  it("refuses a name that resolves to 127.0.0.1 before connecting (DNS rebinding)", async () => {
    const res = await postWebhook(`https://hooks.example.test:${target.port}/x`, BODY, { allowedHosts: [], resolve: toLoopback });
    expect(res).toEqual({ ok: false, error: "delivery failed: refused by the address guard", retry: false });
    expect(target.connections).toBe(0);
  });

  it("refuses a name when any of its addresses is private", async () => {
    const mixed: Resolve = async () => [
      { address: "8.8.8.8", family: 4 },
      { address: "::1", family: 6 },
    ];
    const res = await postWebhook(`https://hooks.example.test:${target.port}/x`, BODY, { allowedHosts: [], resolve: mixed });
    expect(res).toMatchObject({ ok: false, error: "delivery failed: refused by the address guard" });
    expect(target.connections).toBe(0);
  });

  it.each(["https://localhost:PORT/x", "https://127.0.0.1:PORT/x", "https://[::ffff:127.0.0.1]:PORT/x", "http://127.0.0.1:PORT/x"])(
    "refuses %s without a connection",
    async (url) => {
      const res = await postWebhook(url.replace("PORT", String(target.port)), BODY, { allowedHosts: [] });
      expect(res).toMatchObject({ ok: false, error: "delivery failed: refused by the address guard" });
      expect(target.connections).toBe(0);
    },
  );

  it("delivers to a host the operator listed, over http on loopback", async () => {
    const res = await postWebhook(`http://127.0.0.1:${target.port}/hook`, BODY, { allowedHosts: [`127.0.0.1:${target.port}`] });
    expect(res).toEqual({ ok: true });
    expect(target.bodies).toEqual([BODY]);
  });
});

describe("postWebhook: what a failure tells", () => {
  const allowAll = () => ({ allowedHosts: ["127.0.0.1"] });

  it("a redirect is a failure, not followed", async () => {
    const res = await postWebhook(`http://127.0.0.1:${redirecting.port}/hook`, BODY, allowAll());
    expect(res).toEqual({ ok: false, error: "delivery failed: HTTP 302", retry: true });
    expect(target.connections).toBe(0);
  });

  it("an error answer gives its status, never its body", async () => {
    const res = await postWebhook(`http://127.0.0.1:${failing.port}/hook`, BODY, allowAll());
    expect(res).toEqual({ ok: false, error: "delivery failed: HTTP 500", retry: true });
  });

  it("a refused connection and a silent listener read the same (no port probing)", async () => {
    const closed = await postWebhook("http://127.0.0.1:1/hook", BODY, allowAll());
    const timedOut = await postWebhook(`http://127.0.0.1:${silent.port}/hook`, BODY, { ...allowAll(), timeoutMs: 300 });
    expect(closed).toEqual({ ok: false, error: "delivery failed: could not connect", retry: true });
    expect(timedOut).toEqual(closed);
  });
});
