import { rmSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHANGES_HEADER, forwarderTo } from "./forward";
import type { Socket } from "node:net";

// The read plane's hand-over to the Next server: a stand-in "Next" on a unix socket, the forwarder
// on a loopback port in front of it, and a client.
const socketPath = path.join(os.tmpdir(), `forward-test-${process.pid}.sock`);
let release: () => void = () => {};
let seenHeaders: http.IncomingHttpHeaders = {};
const changes: number[] = [];
const seenRequests: string[] = [];
const upstream = http.createServer((req, res) => {
  seenHeaders = req.headers;
  seenRequests.push(`${req.method} ${req.url}`);
  if (req.url === "/refuses-early") {
    // Like a guard or a body limit: the answer comes without reading the body.
    res.writeHead(401, { "content-type": "application/problem+json" });
    res.end(JSON.stringify({ status: 401 }));
    return;
  }
  if (req.url === "/events") {
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-store", [CHANGES_HEADER]: "7" });
    res.write("data: first\n\n");
    // The second event only after the client has seen the first: nothing may sit in a buffer.
    release = () => res.end("data: second\n\n");
    return;
  }
  let size = 0;
  req.on("data", (c: Buffer) => (size += c.length));
  req.on("end", () => {
    res.writeHead(201, { "content-type": "application/json", connection: "keep-alive", "keep-alive": "timeout=17" });
    res.end(JSON.stringify({ method: req.method, url: req.url, size }));
  });
});
const front = http.createServer(forwarderTo(socketPath, (n) => changes.push(n)));
let base = "";

beforeAll(async () => {
  rmSync(socketPath, { force: true });
  await new Promise<void>((r) => upstream.listen(socketPath, r));
  await new Promise<void>((r) => front.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(front.address() as AddressInfo).port}`;
});
afterAll(() => {
  front.closeAllConnections();
  upstream.closeAllConnections();
  front.close();
  upstream.close();
  rmSync(socketPath, { force: true });
});

describe("forwarding to the Next server", () => {
  it("streams an event stream through event by event, and passes the change count on without the header", async () => {
    const res = await fetch(`${base}/events`);
    expect(res.headers.get("content-type")).toBe("text/event-stream");
    expect(res.headers.get(CHANGES_HEADER)).toBeNull();
    expect(changes).toContain(7);
    const reader = res.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).toBe("data: first\n\n");
    release();
    let rest = "";
    for (let r = await reader.read(); !r.done; r = await reader.read()) rest += new TextDecoder().decode(r.value);
    expect(rest).toBe("data: second\n\n");
  });

  it("passes a request body, path and query through; hop-by-hop headers stay on their hop", async () => {
    const body = "x".repeat(200_000);
    const res = await fetch(`${base}/api/things?a=1&b=%20`, { method: "POST", body, headers: { te: "trailers", "x-custom": "kept" } });
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ method: "POST", url: "/api/things?a=1&b=%20", size: 200_000 });
    expect(seenHeaders["x-custom"]).toBe("kept");
    expect(seenHeaders.te).toBeUndefined();
    expect(res.headers.get("keep-alive")).not.toBe("timeout=17");
  });

  it("answers 502 problem+json when the Next server does not answer", async () => {
    const lost = http.createServer(forwarderTo(path.join(os.tmpdir(), `forward-test-none-${process.pid}.sock`), () => {}));
    await new Promise<void>((r) => lost.listen(0, "127.0.0.1", r));
    try {
      const res = await fetch(`http://127.0.0.1:${(lost.address() as AddressInfo).port}/`);
      expect(res.status).toBe(502);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
      expect((await res.json()).title).toBe("Bad gateway");
    } finally {
      lost.close();
    }
  });

  it("a chunked GET body reaches the Next server as that request's body, never as a second request (smuggling)", async () => {
    const net = await import("node:net");
    const smuggled = "GET /admin-smuggled HTTP/1.1\r\nHost: evil\r\nx-tickethub-client: 10.9.9.9\r\n\r\n";
    const chunk = `${smuggled.length.toString(16)}\r\n${smuggled}\r\n0\r\n\r\n`;
    const port = Number(new URL(base).port);
    const before = seenRequests.length;
    const answer = await new Promise<string>((resolve, reject) => {
      const sock = net.connect(port, "127.0.0.1", () => {
        sock.write(`GET /outer HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n${chunk}`);
      });
      let got = "";
      sock.on("data", (d) => (got += d.toString()));
      sock.on("end", () => resolve(got));
      sock.on("error", reject);
    });
    expect(answer).toContain(`"url":"/outer"`);
    expect(answer).toContain(`"size":${smuggled.length}`);
    // Give a smuggled request every chance to arrive.
    await new Promise((r) => setTimeout(r, 200));
    expect(seenRequests.slice(before)).toEqual(["GET /outer"]);
  });

  it("an answer given before the body was read reaches a client that sends its whole body first (a 2 MB upload)", async () => {
    const body = JSON.stringify({ a: "x".repeat(2_000_000) });
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${base}/refuses-early`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
        signal: AbortSignal.timeout(8_000),
      });
      expect(res.status).toBe(401);
      await res.arrayBuffer();
    }
    // The connection to the upstream is still good for the next request.
    const after = await fetch(`${base}/after`, { method: "POST", body: "{}" });
    expect(await after.json()).toMatchObject({ url: "/after", size: 2 });
  });

  it("tells the Next server how many credential changes this side announced, on every request (so none overtakes the IPC message)", async () => {
    let count = 4;
    const counting = http.createServer(
      forwarderTo(
        socketPath,
        () => {},
        65_000,
        () => count,
      ),
    );
    await new Promise<void>((r) => counting.listen(0, "127.0.0.1", r));
    try {
      const url = `http://127.0.0.1:${(counting.address() as AddressInfo).port}/api/after-a-write`;
      await (await fetch(url, { method: "POST", body: "{}" })).text();
      expect(seenHeaders[CHANGES_HEADER]).toBe("4");
      count = 5;
      await (await fetch(url, { method: "POST", body: "{}" })).text();
      expect(seenHeaders[CHANGES_HEADER]).toBe("5");
    } finally {
      counting.closeAllConnections();
      counting.close();
    }
  });

  it("closes an idle connection to the Next server before that server's keep-alive timeout would (no request sent into a closing socket)", async () => {
    // A stand-in Next with a short keep-alive timeout; which side ends the idle connection shows on
    // the server's socket: 'end' when the forwarder closed it, a bare 'close' when the server timed it out.
    const sock = path.join(os.tmpdir(), `forward-test-idle-${process.pid}.sock`);
    rmSync(sock, { force: true });
    const keepAliveMs = 3_000;
    const next = http.createServer((_req, res) => res.end("ok"));
    next.keepAliveTimeout = keepAliveMs;
    const closedBy = new Promise<"forwarder" | "server">((resolve) =>
      next.once("connection", (s: Socket) => {
        let ended = false;
        s.once("end", () => (ended = true));
        s.once("close", () => resolve(ended ? "forwarder" : "server"));
      }),
    );
    await new Promise<void>((r) => next.listen(sock, r));
    const idle = http.createServer(forwarderTo(sock, () => {}, keepAliveMs));
    await new Promise<void>((r) => idle.listen(0, "127.0.0.1", r));
    try {
      const res = await fetch(`http://127.0.0.1:${(idle.address() as AddressInfo).port}/x`);
      expect(await res.text()).toBe("ok");
      expect(await closedBy).toBe("forwarder");
    } finally {
      idle.closeAllConnections();
      idle.close();
      next.closeAllConnections();
      next.close();
      rmSync(sock, { force: true });
    }
  });
});
