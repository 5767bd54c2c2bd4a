import http from "node:http";
import net, { type AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { streamTo, writeWebAnswer } from "./node-answers";

// The read plane writes streamed answers with writeWebAnswer (/api/metrics) and streamTo (the change
// stream): a loopback server whose answers are streams that count what they were asked to make.
const CHUNK = new Uint8Array(32 * 1024).fill(0x61);
let pulls = 0;
/** When the last answer's stream was cancelled (its maker let go), if it was. */
let cancelledAt: number | null = null;
const STALL_MS = 300;
/** The read plane's change streams (streamTo): what its last one could still write, and when it could not. */
let streamed: { writes: number; refusedAt: number | null } = { writes: 0, refusedAt: null };
/** When the response of the last stream that ended unread closed, if it did. */
let endedStream: { closedAt: number | null } = { closedAt: null };
/** Holds the writes of the next stream until the test lets them go. */
let held: Promise<void> = Promise.resolve();
const server = http.createServer(async (req, res) => {
  if (req.url === "/stream-ends") {
    // A stream that ends while its client is not reading (signed out, the Next server gone): its end
    // queues behind a full socket.
    endedStream = { closedAt: null };
    res.on("close", () => {
      endedStream.closedAt = Date.now();
    });
    const sink = streamTo(res, { "content-type": "text/event-stream" }, [], { stallMs: STALL_MS });
    // Until the socket is full: what it could not take is still waiting in the response a few ms later.
    const timer = setInterval(() => {
      if (res.writableLength >= 16 * CHUNK.length) {
        clearInterval(timer);
        sink.close();
        return;
      }
      for (let i = 0; i < 16; i++) sink.write(CHUNK);
    }, 5);
    return;
  }
  if (req.url === "/stream") {
    streamed = { writes: 0, refusedAt: null };
    const sink = streamTo(res, { "content-type": "text/event-stream" }, [{ key: "x-frame-options", value: "DENY" }], { stallMs: STALL_MS });
    await held;
    // A ping's worth every few ms, as long as the sink takes it (the change stream ends when it does not).
    const timer = setInterval(() => {
      if (sink.write(CHUNK)) streamed.writes++;
      else {
        streamed.refusedAt = Date.now();
        clearInterval(timer);
      }
    }, 5);
    return;
  }
  pulls = 0;
  cancelledAt = null;
  const body =
    req.url === "/fails"
      ? new ReadableStream<Uint8Array>({
          pull(controller) {
            // One good chunk, then the maker fails (a metrics line that throws).
            if (pulls++ === 0) controller.enqueue(new TextEncoder().encode("tickethub_instance_info 1\n"));
            else controller.error(new Error("the lines could not be made"));
          },
        })
      : new ReadableStream<Uint8Array>({
          pull(controller) {
            // An endless one for a client that never reads: it can only end by being let go.
            if (pulls++ < 100 || req.url === "/endless") controller.enqueue(CHUNK);
            else controller.close();
          },
          cancel() {
            cancelledAt = Date.now();
          },
        });
  writeWebAnswer(res, new Response(body, { headers: { "content-type": "text/plain" } }), [], { stallMs: STALL_MS }).catch(() => {});
});
let base = "";

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("writeWebAnswer", () => {
  it("sends a streamed body whole", async () => {
    const res = await fetch(`${base}/whole`);
    expect(res.status).toBe(200);
    expect((await res.arrayBuffer()).byteLength).toBe(100 * CHUNK.length);
  });

  it("cuts the connection when the body fails half-way: the client never takes a shortened text for the whole", async () => {
    const res = await fetch(`${base}/fails`);
    expect(res.status).toBe(200);
    await expect(res.text()).rejects.toThrow();
  });

  it("answers a HEAD with the headers only, without making the body", async () => {
    const res = await fetch(`${base}/whole`, { method: "HEAD" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/plain");
    // The stream asks for its first chunk when it is made (a high-water mark of one), no more.
    expect(pulls).toBeLessThanOrEqual(1);
  });

  it("cuts off a client that stops reading without closing, and lets go of the answer", async () => {
    // A scraper that sent its request and then hung: its socket is never read.
    const client = net.connect(Number(new URL(base).port), "127.0.0.1");
    client.on("error", () => {});
    client.pause();
    cancelledAt = null;
    const sentAt = Date.now();
    client.write("GET /endless HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    try {
      for (let waited = 0; cancelledAt === null && waited < 10_000; waited += 50) await new Promise((r) => setTimeout(r, 50));
      expect(cancelledAt, "the stream was let go").not.toBeNull();
      // Not before the stall (timers may fire a millisecond early by Date.now()).
      expect(cancelledAt! - sentAt).toBeGreaterThanOrEqual(STALL_MS - 10);
      // Nothing more is made for it.
      const made = pulls;
      await new Promise((r) => setTimeout(r, 100));
      expect(pulls).toBe(made);
    } finally {
      client.destroy();
    }
  });
});

describe("streamTo (the read plane's change streams)", () => {
  it("sends the headers at once and each write as it comes", async () => {
    let release = () => {};
    held = new Promise((r) => {
      release = r;
    });
    // The headers arrive before anything is written (a browser's EventSource opens on them).
    const res = await fetch(`${base}/stream`);
    release();
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/event-stream");
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    const reader = res.body!.getReader();
    let got = 0;
    while (got < 3 * CHUNK.length) got += (await reader.read()).value!.byteLength;
    await reader.cancel();
    // A client that leaves: the next write is refused, so the stream ends and stops being pinged.
    for (let waited = 0; streamed.refusedAt === null && waited < 5_000; waited += 20) await new Promise((r) => setTimeout(r, 20));
    expect(streamed.refusedAt).not.toBeNull();
  });

  it("cuts off a client that stops reading without closing, after its socket stayed full for the stall time", async () => {
    const client = net.connect(Number(new URL(base).port), "127.0.0.1");
    client.on("error", () => {});
    client.pause();
    streamed = { writes: 0, refusedAt: null };
    const sentAt = Date.now();
    client.write("GET /stream HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    try {
      for (let waited = 0; streamed.refusedAt === null && waited < 10_000; waited += 50) await new Promise((r) => setTimeout(r, 50));
      expect(streamed.refusedAt, "the stream was let go").not.toBeNull();
      expect(streamed.refusedAt! - sentAt).toBeGreaterThanOrEqual(STALL_MS - 10);
      expect(streamed.writes).toBeGreaterThan(0);
    } finally {
      client.destroy();
    }
  });

  it("still cuts off a client that is not reading when its stream ends (the end waits behind the full socket)", async () => {
    const client = net.connect(Number(new URL(base).port), "127.0.0.1");
    client.on("error", () => {});
    client.pause();
    endedStream = { closedAt: null };
    client.write("GET /stream-ends HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    try {
      for (let waited = 0; endedStream.closedAt === null && waited < 10_000; waited += 50) await new Promise((r) => setTimeout(r, 50));
      expect(endedStream.closedAt, "the response was let go").not.toBeNull();
    } finally {
      client.destroy();
    }
  });
});
