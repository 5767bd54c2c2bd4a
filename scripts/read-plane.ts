// The process that owns an instance's port: the read plane. It loads neither Next nor React (only
// the database client and the handlers it runs) and answers the hot paths itself: consumer reads
// from the read cache (server/http/fast-path.ts), the vendor-compatible proxy, /api/health and
// /api/metrics (the route handlers' own code, server/http/health.ts and metrics.ts). Everything else
// goes to the Next server (scripts/next-server.ts), which it starts as a child on a unix socket and
// stops with itself. Run bundled (scripts/lib/read-plane-bundle.ts) by plain Node: see serve-args.ts.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { startClockSync } from "../server/clock-sync";
import { getConfig } from "../server/config";
import { wrongKeyAtStart } from "../server/crypto-rotate";
import { getDb } from "../server/db";
import { errorLine } from "../server/errors";
import { startReadCache } from "../server/fast/read-cache";
import { tryConsumerRead, tryFastPath, tryProxy } from "../server/http/fast-path";
import { forwarderTo, NEXT_KEEP_ALIVE_MS } from "../server/http/forward";
import { admitRequest } from "../server/http/front-door";
import { mirrorRetention, peerHeard, STREAM_PEER_SILENT_MS, silentPeer, watchPeer } from "../server/health/instance-state";
import { healthAnswer } from "../server/http/health";
import { metricsAnswer } from "../server/http/metrics";
import { eventsToNode } from "../server/http/events";
import { shareChangeReads } from "../server/live/changes";
import { answerRefusal, answerWithWeb, problemBody, webRequestOf, writeWebAnswer } from "../server/http/node-answers";
import { securityHeaders } from "../server/http/security-headers.mjs";
import type { PeerProcess } from "../server/metrics/render";
import { lastStatesRead } from "../server/metrics/states";
import { releaseLeasesOf } from "../server/tickets/lease";
import { leaveCheckpointsToAnotherProcess } from "../server/sqlite-checkpoints";
import { exitWithParent } from "./lib/exit-with-parent";
import { relayCredentialChanges, type InstanceMessage } from "./lib/instance-ipc";
import { keepTickShape } from "./lib/keep-tick-shape";
import { nextServerArgs } from "./lib/serve-args";

// SQLite: the Next server's worker thread checkpoints the file both use (server/sqlite-checkpoints.ts).
// Before anything here opens the database.
leaveCheckpointsToAnotherProcess();
// Before the first forced collection (afterFullLoad below): every request queues several ticks.
await keepTickShape();

const root = process.env.TICKETHUB_ROOT ?? process.cwd();
const config = getConfig();
const port = Number(process.argv[2] ?? config.port);
const headers = securityHeaders(false);

// 0. A key that opens none of the stored secrets: say so and stop, before starting anything.
const wrongKey = await wrongKeyAtStart(getDb());
if (wrongKey) {
  console.error(`[read plane] ${wrongKey}`);
  process.exit(1);
}
// Leases an earlier run of this instance held (it crashed mid-refresh) are freed now, not after their
// TTL; here, before either process can take one under this instance's id (below: both use it).
await releaseLeasesOf(getDb(), config.instanceId).catch((err: unknown) => console.warn(`[lease] could not free old leases: ${errorLine(err)}`));

// 1. The Next server, on a socket of this process's own, in a fresh folder only this user can enter
// (mkdtemp makes it 0700 and unpredictable: no other user can connect, plant a file or race the
// socket's permissions). Short names: a socket path must fit in 108 bytes.
const socketDir = mkdtempSync(path.join(os.tmpdir(), "th-"));
const socketPath = path.join(socketDir, "next.sock");
const removeSocketDir = () => rmSync(socketDir, { recursive: true, force: true });
process.on("exit", removeSocketDir);
const child = spawn(process.execPath, nextServerArgs(root, port), {
  cwd: root,
  // One instance id for both processes (the default is made from the process id): health, metrics,
  // logs and "refreshing on …" name the same instance whichever process refreshed.
  env: { ...process.env, TICKETHUB_INSTANCE_ID: config.instanceId, TICKETHUB_NEXT_SOCKET: socketPath, TICKETHUB_SUPERVISOR_PID: String(process.pid) },
  stdio: ["ignore", "inherit", "inherit", "ipc"],
});
const channel = child as unknown as { send: (m: InstanceMessage) => boolean; on(e: "message", l: (m: InstanceMessage) => void): void };
let stopping = false;
child.on("exit", (code, signal) => {
  removeSocketDir();
  if (stopping) process.exit(0);
  console.error(`[read plane] the Next server stopped (${signal ?? `exit ${code}`}); stopping the instance`);
  process.exit(code || 1);
});
exitWithParent("read plane");
const relay = relayCredentialChanges(channel);

// /api/metrics counts the Next server's refreshes and upstream calls too (the scheduler runs there).
let asked = 0;
const waiting = new Map<number, (peer: PeerProcess | null) => void>();
channel.on("message", (m) => {
  if (m?.type === "metrics") waiting.get(m.id)?.(m.peer);
  else if (m?.type === "alive") {
    peerHeard();
    mirrorRetention(m.retention);
  }
});
function nextServerMetrics(): Promise<PeerProcess[]> {
  const id = ++asked;
  return new Promise<PeerProcess | null>((resolve) => {
    const timer = setTimeout(() => {
      waiting.delete(id);
      resolve(null);
    }, 2_000);
    waiting.set(id, (peer) => {
      clearTimeout(timer);
      waiting.delete(id);
      resolve(peer);
    });
    channel.send({ type: "metrics?", id });
  }).then((peer) => (peer ? [peer] : []));
}

/**
 * A scrape of /api/metrics with thousands of apps that reads every credential's state (the first,
 * and after an app or the vendors' day changed: server/metrics/states.ts) writes ~40,000 lines from ~100 MiB of short-lived
 * garbage; a full load of the read cache (the first, after a deletion, when its sums do not add up) reads every row. V8 grows the heap to
 * hold such garbage rather than collect it, and the read plane's resident memory stayed far above
 * its live data through the 3,000-apps benchmark (bench/scale.ts). So after such a scrape (once the
 * answer is sent) and after each full load it collects (`--expose-gc`, serve-args.ts; marking
 * concurrently where V8 can). With 6,750 credentials, 20 full scrapes in a row left the read plane
 * at 180 MiB instead of 260 MiB.
 */
const gc = (globalThis as { gc?: (o: { type: "major"; execution: "async" }) => Promise<void> }).gc;
function collectGarbage(): void {
  gc?.({ type: "major", execution: "async" }).catch(() => {});
}

await startClockSync();
// Every stamp it reads goes to the Next server too, which then need not read its own.
if (config.readCache.enabled)
  startReadCache(config.readCache.pollMs, {
    name: "read-plane",
    share: (shared) => child.connected && channel.send({ type: "stamp", shared }),
    afterFullLoad: collectGarbage,
  });
// So is every supplementary change stamp it reads for the change streams it serves (serveEvents).
shareChangeReads((extra) => child.connected && channel.send({ type: "extra", extra }));
await new Promise<void>((resolve) => channel.on("message", (m) => m?.type === "ready" && resolve()));
// From here /api/health counts the Next server's silence (its heartbeat, above).
watchPeer("Next server");

// 2. The port.
const forward = forwarderTo(socketPath, relay.heard, NEXT_KEEP_ALIVE_MS, relay.ownChanges);
const fail = (res: http.ServerResponse, err: unknown) => {
  console.error(`[read plane] ${(err as Error).message}`);
  if (!res.headersSent) {
    const body = problemBody(500, "Internal error", "Ticket Hub hit an unexpected error; the server log has the details.");
    res.writeHead(500, { "content-type": "application/problem+json", "content-length": Buffer.byteLength(body), "cache-control": "no-store" });
    res.end(body);
  } else res.destroy();
};

/**
 * The dashboard's change stream (GET /api/events), answered here with the route's own code: each
 * open browser holds one, pinged every 2 s, and through the Next server every ping of every
 * browser cost that process a write and this one a relay. Its stamps come from this process's read
 * cache anyway. While the Next server does not answer (its heartbeat), streams end and new ones go
 * to it: the page then turns stale, as its pages and API do not answer either. A session this
 * process cannot confirm while the database is down (a 5xx) is left to the Next server, which may
 * have confirmed it.
 */
const nextServerSilent = () => silentPeer(performance.now(), STREAM_PEER_SILENT_MS) !== null;
function serveEvents(req: http.IncomingMessage, res: http.ServerResponse): void {
  if (nextServerSilent()) {
    forward(req, res);
    return;
  }
  const gone = new AbortController();
  res.on("close", () => gone.abort());
  eventsToNode(webRequestOf(req, gone.signal), res, { closed: gone.signal, extraHeaders: headers, alive: () => !nextServerSilent() })
    .then((refused) => {
      if (!refused) return;
      if (refused.status >= 500) {
        refused.body?.cancel().catch(() => {});
        forward(req, res);
        return;
      }
      return writeWebAnswer(res, refused, headers);
    })
    .catch((err) => fail(res, err));
}

const server = http.createServer((req, res) => {
  const refused = admitRequest(req, config.trustedProxies);
  if (refused) {
    answerRefusal(res, refused);
    return;
  }
  try {
    if (config.readCache.enabled && tryFastPath(req, res)) return;
  } catch (err) {
    fail(res, err);
    return;
  }
  const url = req.url!;
  if (config.readCache.enabled && tryConsumerRead(req, res, headers, (err) => fail(res, err))) return;
  if (req.method === "GET" || req.method === "HEAD") {
    const bare = url.split("?", 1)[0];
    if (bare === "/api/health") {
      answerWithWeb(req, res, healthAnswer, headers).catch((err) => fail(res, err));
      return;
    }
    if (bare === "/api/events" && req.method === "GET" && config.readCache.enabled) {
      serveEvents(req, res);
      return;
    }
    if (bare === "/api/metrics") {
      // Streamed as it is made (server/metrics/render.ts metricsBody): never the whole text at once.
      metricsAnswer(webRequestOf(req), "read-plane", nextServerMetrics)
        .then(async (answer) => {
          // How this scrape read (another may start while it streams).
          const readAll = lastStatesRead.full;
          await writeWebAnswer(res, answer, headers);
          // Only after a scrape that read every credential (server/metrics/states.ts: the first, after
          // an app or the number of apps or credentials changed, when the vendors' day turns; the
          // sweep reads a few hundred apps at most): the others leave little garbage, and a forced
          // major collection of this heap held consumer reads and reloads for 50-150 ms after every scrape.
          if (readAll) collectGarbage();
        })
        .catch((err) => fail(res, err));
      return;
    }
  }
  if (config.readCache.enabled && url.startsWith("/api/proxy/")) {
    tryProxy(req, res).then(
      (answered) => answered || forward(req, res),
      (err) => fail(res, err),
    );
    return;
  }
  forward(req, res);
});
// What Node's parser refuses before a request exists (a header block over 16 KiB, a malformed
// request line) gets the same problem+json as everything else instead of an empty answer.
server.on("clientError", (err: NodeJS.ErrnoException, socket) => {
  if (err.code === "ECONNRESET" || !socket.writable) {
    socket.destroy();
    return;
  }
  const [status, title, detail] =
    err.code === "HPE_HEADER_OVERFLOW"
      ? [431, "Request headers too large", "headers: the request line and headers must fit in 16 KiB"]
      : [400, "Bad request", "request: not a well-formed HTTP/1.1 request"];
  const body = problemBody(status, title, detail);
  socket.end(
    `HTTP/1.1 ${status} ${title}\r\ncontent-type: application/problem+json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
});
server.keepAliveTimeout = 65_000;
server.listen(port, () => {
  const mem = process.memoryUsage();
  console.log(
    `[tickethub] instance ${config.instanceId} listening on :${port}${config.readCache.enabled ? ` (fast reads: cache polled every ${config.readCache.pollMs} ms)` : ""}; processes: read-plane ${process.pid} (${Math.round(mem.rss / 2 ** 20)} MiB), next ${child.pid}`,
  );
});

const shutdown = () => {
  if (stopping) return;
  stopping = true;
  server.close();
  if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
  else process.exit(0);
  setTimeout(() => {
    child.kill("SIGKILL");
    process.exit(0);
  }, 6_000).unref();
};
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);
