import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { StreamSink } from "../live/event-stream";

// Answers written straight to a Node response by the process that owns the port (scripts/read-plane.ts),
// in the same problem+json shape as server/http/problem.ts.

export function problemBody(status: number, title: string, detail: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ type: "about:blank", title, status, detail, ...extra });
}

/**
 * Next answers a method a route file does not export with an empty 405. For the API, give that
 * answer a problem+json body naming the method (its Allow header, when Next sets one, stays). The
 * decision is taken when the headers are about to leave (writeHead, flushHeaders, write or end):
 * a 405 without a content type is Next's, and its (empty) body is replaced.
 */
export function withProblemFor405(req: IncomingMessage, res: ServerResponse): ServerResponse {
  if (!req.url?.startsWith("/api/")) return res;
  const { writeHead, flushHeaders, write, end } = res;
  let decided = false;
  let replace = false;
  const body = () => problemBody(405, "Method not allowed", `method: ${String(req.method).slice(0, 16)} is not allowed on this path`, { field: "method" });
  const decide = () => {
    if (decided) return;
    decided = true;
    replace = res.statusCode === 405 && !res.getHeader("content-type") && !res.headersSent;
    if (replace) {
      res.setHeader("content-type", "application/problem+json");
      res.setHeader("cache-control", "no-store");
      res.removeHeader("content-length");
    }
  };
  // Next's compression layer sends the headers itself (writeHead) before its end calls ours.
  res.writeHead = function (this: ServerResponse, ...args: unknown[]) {
    if (typeof args[0] === "number") res.statusCode = args[0];
    decide();
    return (writeHead as (...a: unknown[]) => ServerResponse).apply(this, args);
  } as ServerResponse["writeHead"];
  res.flushHeaders = function (this: ServerResponse) {
    decide();
    return flushHeaders.call(this);
  };
  res.write = function (this: ServerResponse, ...args: unknown[]) {
    decide();
    if (replace) return true; // Next's empty body; ours is written at the end
    return (write as (...a: unknown[]) => boolean).apply(this, args);
  } as ServerResponse["write"];
  res.end = function (this: ServerResponse, ...args: unknown[]) {
    decide();
    if (replace) return (end as (this: ServerResponse, chunk: string) => ServerResponse).call(this, body());
    return (end as (...a: unknown[]) => ServerResponse).apply(this, args);
  } as ServerResponse["end"];
  return res;
}

/**
 * Answers a Node request with a web handler (Request → Response), for the few routes the read plane
 * answers with the route handlers' own code (health, metrics): same status, headers and body, plus
 * the headers Next adds to every answer (`extraHeaders`). GET and HEAD only (no body is read).
 */
export async function answerWithWeb(
  req: IncomingMessage,
  res: ServerResponse,
  handler: (request: Request) => Promise<Response>,
  extraHeaders: readonly { key: string; value: string }[],
): Promise<void> {
  const answer = await handler(webRequestOf(req));
  const body = Buffer.from(await answer.arrayBuffer());
  const out = headerListOf(answer.headers, extraHeaders);
  out.push("content-length", String(body.length));
  res.writeHead(answer.status, out);
  res.end(req.method === "HEAD" ? undefined : body);
}

/** The extra headers, then the answer's, as the flat list Node's writeHead takes. */
function headerListOf(headers: Headers, extraHeaders: readonly { key: string; value: string }[]): string[] {
  const out: string[] = [];
  for (const { key, value } of extraHeaders) out.push(key, value);
  headers.forEach((v, k) => out.push(k, v));
  return out;
}

/**
 * A Node request as a web Request for a handler, at a fixed origin (the Host header is the client's
 * to choose and must not reach the URL). A GET, or with `body` (read by the caller) a POST.
 * `signal` aborts it.
 */
export function webRequestOf(req: IncomingMessage, signal?: AbortSignal, body?: Uint8Array<ArrayBuffer>): Request {
  const headers = new Headers();
  for (let i = 0; i < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
  return new Request(`http://tickethub.internal${req.url}`, { method: body ? "POST" : "GET", headers, signal, body });
}

/**
 * Writes a web handler's answer to a Node response as it comes, for an answer that streams
 * (/api/metrics; the change stream's refusals): the headers leave at once, then each chunk as the
 * body yields it and the client takes it, until it ends or the client goes away (a HEAD gets the
 * headers only; a body that fails half-way cuts the connection, and so does a client that leaves
 * the socket full for `stallMs`: a metrics scrape fills it in seconds). `extraHeaders` as in
 * answerWithWeb.
 */
export async function writeWebAnswer(
  res: ServerResponse,
  answer: Response,
  extraHeaders: readonly { key: string; value: string }[],
  { stallMs = STALL_MS }: { stallMs?: number } = {},
): Promise<void> {
  res.writeHead(answer.status, headerListOf(answer.headers, extraHeaders));
  res.flushHeaders();
  // A HEAD's body would be made only to be dropped.
  if (!answer.body || res.req.method === "HEAD") {
    answer.body?.cancel().catch(() => {});
    res.end();
    return;
  }
  const reader = answer.body.getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (res.destroyed) return;
      if (done) {
        res.end();
        return;
      }
      // A slow reader: the next chunk is made once this one is on its way (the stream's pull).
      if (!res.write(value)) {
        await drained(res, stallMs);
        if (res.destroyed) return;
      }
    }
  } catch (err) {
    // Cut off, not ended: a body that failed half-way must not reach the client as a whole one.
    res.destroy();
    throw err;
  } finally {
    reader.cancel().catch(() => {});
  }
}

/**
 * A 200 whose body is written as it comes, straight to `res` (no web stream between, as
 * writeWebAnswer has), for the read plane's change streams: the headers leave at once; the sink's
 * writes go to the socket; a client that leaves the socket full for `stallMs` is cut off, as in
 * writeWebAnswer (a change stream's pings take hours to fill it). Its `write` answers false once
 * the response is closed.
 */
export function streamTo(
  res: ServerResponse,
  headers: Readonly<Record<string, string>>,
  extraHeaders: readonly { key: string; value: string }[],
  { stallMs = STALL_MS }: { stallMs?: number } = {},
): StreamSink {
  res.writeHead(200, headerListOf(new Headers(headers), extraHeaders));
  res.flushHeaders();
  let stall: ReturnType<typeof setTimeout> | null = null;
  const unstall = () => {
    if (stall) clearTimeout(stall);
    stall = null;
  };
  res.on("drain", unstall);
  res.on("close", unstall);
  return {
    write(bytes) {
      if (res.destroyed || res.writableEnded) return false;
      if (!res.write(bytes) && !stall) {
        stall = setTimeout(() => res.destroy(), stallMs);
        stall.unref();
      }
      return true;
    },
    close() {
      // A stall timer already running stays: the end queues behind a full socket, and a client
      // that never reads it is still cut off (the response's close clears the timer).
      if (!res.destroyed && !res.writableEnded) res.end();
    },
  };
}

/**
 * How long a client may leave a streamed answer unread (its socket full) before it is cut off: a
 * scraper or a browser that stopped reading without closing would otherwise hold the answer, and
 * what it was made from (a metrics scrape's states of every credential), for as long as the
 * connection stays open.
 */
export const STALL_MS = 30_000;

/** Once `res` can take more, or is closed; cut off when it could take nothing for `stallMs`. */
function drained(res: ServerResponse, stallMs: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      res.off("drain", done);
      res.off("close", done);
      resolve();
    };
    const timer = setTimeout(() => {
      res.destroy();
      done();
    }, stallMs);
    timer.unref();
    res.on("drain", done);
    res.on("close", done);
  });
}

/** The front door's refusal (front-door.ts admitRequest) as problem+json; the connection closes after it. */
export function answerRefusal(res: ServerResponse, refused: { status: number; title: string; detail: string; field?: string }): void {
  const body = problemBody(refused.status, refused.title, refused.detail, { field: refused.field });
  res.writeHead(refused.status, {
    "content-type": "application/problem+json",
    "content-length": Buffer.byteLength(body),
    "cache-control": "no-store",
    connection: "close",
  });
  res.end(body);
}
