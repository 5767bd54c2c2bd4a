import "server-only";
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import { pipeline } from "node:stream";
import { problemBody } from "./node-answers";

// The read plane's hand-over to the Next server behind it (scripts/read-plane.ts): Node's own
// http.request and stream.pipeline, both ways, so a Server-Sent Events answer or an upload flows
// chunk by chunk (nothing is buffered here) and backpressure holds. A library (http-proxy & co.)
// would add the same few lines plus WebSocket and redirect handling that a loopback hop to one
// known server does not need.

/** Hop-by-hop headers (RFC 9110 §7.6.1): they describe one connection and are not forwarded. */
const HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "transfer-encoding",
  "te",
  "trailer",
  "upgrade",
  "proxy-authorization",
  "proxy-authenticate",
]);

/**
 * How many credential changes a process of the instance has announced (see read-plane.ts): the Next
 * server puts its count on every answer, the read plane its own on every request it hands over, so
 * that neither side's next step can overtake the other's IPC message about a write.
 */
export const CHANGES_HEADER = "x-tickethub-changes";

/** How long the Next server keeps an idle kept-alive connection open (scripts/next-server.ts). */
export const NEXT_KEEP_ALIVE_MS = 65_000;

export type Forward = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * A forwarder to the HTTP server on `socketPath` over kept-alive connections. `onChanges` sees the
 * server's credential-change count from each answer's header before the answer is passed on (the
 * header itself is not). `upstreamKeepAliveMs` is how long that server keeps an idle connection:
 * this side closes its idle connections at half that, so it never sends a request into a
 * connection the server is closing at the same moment (the request would fail: a 502 for nothing).
 * Node's agent keeps idle sockets forever unless told (its `timeout`; for a connection in use it
 * only emits an event, so a long event stream is not cut).
 */
export function forwarderTo(
  socketPath: string,
  onChanges: (count: number) => void,
  upstreamKeepAliveMs = NEXT_KEEP_ALIVE_MS,
  ownChanges: () => number = () => 0,
): Forward {
  const agent = new http.Agent({ keepAlive: true, keepAliveMsecs: 10_000, maxFreeSockets: 64, timeout: Math.max(1, Math.floor(upstreamKeepAliveMs / 2)) });
  return (req, res) => {
    const headers: string[] = [];
    const raw = req.rawHeaders;
    for (let i = 0; i < raw.length; i += 2) if (!HOP.has(raw[i]!.toLowerCase())) headers.push(raw[i]!, raw[i + 1]!);
    // A chunked body arrives here without a length: say how it is framed on the way on, or Node sends
    // the bytes of a GET's body unframed and Next reads them as a second request that never met the
    // front door (request smuggling).
    if (req.headers["transfer-encoding"] !== undefined) headers.push("transfer-encoding", "chunked");
    // (The front door dropped any such header from outside.)
    headers.push(CHANGES_HEADER, String(ownChanges()));
    const upstream = http.request({ socketPath, agent, method: req.method, path: req.url, headers, setHost: false });
    upstream.on("response", (answer) => {
      // Next answered before reading the whole body (a 401, a 413 after 64 KiB): stop sending it on,
      // and read the rest from the client and drop it, as Node's server does for its own answers.
      // Without this the client's upload stalls behind a Next that no longer reads, and a client
      // that sends its whole body before reading (undici's fetch) never sees the answer.
      if (!req.complete) {
        req.unpipe(upstream);
        req.resume();
        // The connection to Next is mid-request: never hand it to another request.
        answer.once("end", () => upstream.destroy());
      }
      const out: string[] = [];
      const rawOut = answer.rawHeaders;
      for (let i = 0; i < rawOut.length; i += 2) {
        const name = rawOut[i]!.toLowerCase();
        if (name === CHANGES_HEADER) onChanges(Number(rawOut[i + 1]));
        else if (!HOP.has(name)) out.push(rawOut[i]!, rawOut[i + 1]!);
      }
      res.writeHead(answer.statusCode ?? 502, answer.statusMessage, out);
      // Send the headers at once: an event stream's first event may be a while coming.
      if (answer.headers["content-type"]?.startsWith("text/event-stream")) res.flushHeaders();
      pipeline(answer, res, () => {});
    });
    upstream.on("error", (err) => {
      // Whatever the client still sends is read and dropped: it must get the answer below.
      req.unpipe(upstream);
      req.resume();
      if (res.headersSent) {
        res.destroy();
        return;
      }
      // The path only: a proxied vendor URL carries secrets and tokens in its query.
      console.error(`[read plane] the Next server did not answer ${req.method} ${req.url?.split("?")[0]?.slice(0, 100)}: ${err.message}`);
      const body = problemBody(502, "Bad gateway", "The dashboard server did not answer; try again shortly.");
      res.writeHead(502, {
        "content-type": "application/problem+json",
        "content-length": Buffer.byteLength(body),
        "cache-control": "no-store",
        "retry-after": "5",
      });
      res.end(body);
    });
    // The client went away before the answer was complete: stop the work behind it.
    res.on("close", () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
    // The client went away mid-upload: stop the request behind it.
    req.once("error", () => upstream.destroy());
    req.once("aborted", () => upstream.destroy());
  };
}
