// The Next server of one instance, started by its read plane (scripts/read-plane.ts) as a child
// process: it listens on a unix socket only the read plane (this user) can open, and answers
// everything the read plane does not (pages, the dashboard's API, writes). The read plane has
// already run the front door (server/http/front-door.ts) on every request it hands over: the
// forwarded headers it keeps and the client address it decided on (x-tickethub-client) are believed
// here because nobody else can connect. Run by hand, without a parent (`node
// .next/read-plane/next-server.mjs 3000` after a start has built it), it listens on a TCP port and
// runs the front door itself (a plain one-process instance).
import { chmodSync, rmSync } from "node:fs";
import http from "node:http";
import nextImport from "next";
import { stampShared, startReadCache } from "../server/fast/read-cache";
import { startClockSync } from "../server/clock-sync";
import { getConfig } from "../server/config";
import { PEER_HEARTBEAT_MS, retentionFailure } from "../server/health/instance-state";
import { extraShared } from "../server/live/changes";
import { renderMetricsPeer } from "./lib/peer-metrics";
import { admitRequest } from "../server/http/front-door";
import { lowerPriority } from "../server/process-priority";
import { CHANGES_HEADER, NEXT_KEEP_ALIVE_MS } from "../server/http/forward";
import { answerRefusal, withProblemFor405 } from "../server/http/node-answers";
import { exitWithParent } from "./lib/exit-with-parent";
import { relayCredentialChanges, type InstanceMessage } from "./lib/instance-ipc";

// The instance's folder (this file runs bundled under .next/read-plane/, started with it as the working directory).
const root = process.env.TICKETHUB_ROOT ?? process.cwd();
const config = getConfig();
const socketPath = process.env.TICKETHUB_NEXT_SOCKET;
const port = Number(process.argv[2] ?? config.port);
const parent = process.send ? (process as unknown as { send: (m: InstanceMessage) => void; on(e: "message", l: (m: InstanceMessage) => void): void }) : null;
// Behind a read plane, the services' reads get most of a shared core (server/process-priority.ts).
if (parent && config.nextServerNice > 0 && lowerPriority(config.nextServerNice) === 0)
  console.error("[next] could not lower its CPU priority; it shares the cores with the read plane as an equal");
// `next` is CommonJS: depending on the loader its function is the default export or under `.default`.
const next = ((nextImport as unknown as { default?: typeof nextImport }).default ?? nextImport) as typeof nextImport;
const app = next({ dev: false, dir: root, port, hostname: "0.0.0.0" });
await app.prepare();
const handle = app.getRequestHandler();
// The database's clock before anything is judged by time (instrumentation.ts does the same; whichever runs first measures).
await startClockSync();
// Code in Next (the list's ETag, its event stream) reads this process's cache stamp too. Behind a
// read plane, the stamps it reads come over IPC (below); this process reads its own only when none came lately.
if (config.readCache.enabled) startReadCache(config.readCache.pollMs, { name: "next", follow: !!parent });

exitWithParent("next");
const relay = parent ? relayCredentialChanges(parent) : null;
if (parent) {
  // The read plane is gone (even by SIGKILL): stop at once, before a refresh in flight completes for a dead instance.
  process.on("disconnect", () => {
    console.error("[next] the read plane is gone; exiting");
    process.exit(1);
  });
  parent.on("message", (m) => {
    if (m?.type === "metrics?") parent.send({ type: "metrics", id: m.id, peer: renderMetricsPeer("next") });
    else if (m?.type === "stamp") stampShared(m.shared);
    else if (m?.type === "extra") extraShared(m.extra);
  });
  // The read plane answers /api/health: a heartbeat it stops hearing means this process hangs.
  setInterval(() => parent.send({ type: "alive", retention: retentionFailure() }), PEER_HEARTBEAT_MS).unref();
}

const server = http.createServer((req, res) => {
  if (!socketPath) {
    const refused = admitRequest(req, config.trustedProxies);
    if (refused) {
      answerRefusal(res, refused);
      return;
    }
  }
  if (relay) {
    // The read plane's writes (a proxied refresh) are announced over IPC; the request says how many
    // there were, so a request sent right after one cannot overtake that message.
    const theirs = req.headers[CHANGES_HEADER];
    if (typeof theirs === "string") relay.heard(Number(theirs));
    // Every answer says how many credential changes this process has announced, as its headers leave.
    const { writeHead } = res;
    res.writeHead = function (this: http.ServerResponse, ...args: unknown[]) {
      if (!res.headersSent) res.setHeader(CHANGES_HEADER, String(relay.ownChanges()));
      return (writeHead as (...a: unknown[]) => http.ServerResponse).apply(this, args);
    } as http.ServerResponse["writeHead"];
  }
  void handle(req, withProblemFor405(req, res));
});
// The read plane closes its idle connections to this server well before this (server/http/forward.ts).
server.keepAliveTimeout = NEXT_KEEP_ALIVE_MS;
if (socketPath) {
  rmSync(socketPath, { force: true });
  server.listen(socketPath, () => {
    chmodSync(socketPath, 0o600);
    parent?.send({ type: "ready" });
  });
} else {
  server.listen(port, () => console.log(`[tickethub] instance ${config.instanceId} listening on :${port} (Next only, no read plane)`));
}

const shutdown = () => {
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 5_000).unref();
};
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);
