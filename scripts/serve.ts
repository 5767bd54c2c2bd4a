// The production server of one instance: Next's request handler behind a small Node HTTP server
// that answers hot consumer reads from memory (server/fast/) and hands everything else to Next.
// Run by the start script; for N instances, run one per port (README: "Several instances").
import http from "node:http";
import path from "node:path";
import nextImport from "next";
import { tryFastPath, tryProxy } from "../server/http/fast-path";
import { startReadCache } from "../server/fast/read-cache";
import { startClockSync } from "../server/clock-sync";
import { getConfig } from "../server/config";
import { admitRequest } from "../server/http/front-door";
import { problemBody, withProblemFor405 } from "../server/http/node-answers";
import { exitWithParent } from "./lib/exit-with-parent";

const root = path.resolve(import.meta.dirname, "..");
const config = getConfig();
const port = Number(process.argv[2] ?? config.port);
// `next` is CommonJS: depending on the loader its function is the default export or under `.default`.
const next = ((nextImport as unknown as { default?: typeof nextImport }).default ?? nextImport) as typeof nextImport;
const app = next({ dev: false, dir: root, port, hostname: "0.0.0.0" });
await app.prepare();
const handle = app.getRequestHandler();
// The database's clock before anything is judged by time (instrumentation.ts does the same; whichever runs first measures).
await startClockSync();
if (config.readCache.enabled) startReadCache(config.readCache.pollMs);

exitWithParent("next");

const server = http.createServer(async (req, res) => {
  const refused = admitRequest(req, config.trustedProxies);
  if (refused) {
    const body = problemBody(refused.status, refused.title, refused.detail, { field: refused.field });
    res.writeHead(refused.status, {
      "content-type": "application/problem+json",
      "content-length": Buffer.byteLength(body),
      "cache-control": "no-store",
      connection: "close",
    });
    res.end(body);
    return;
  }
  try {
    if (config.readCache.enabled && (tryFastPath(req, res) || (await tryProxy(req, res)))) return;
  } catch (err) {
    console.error(`[fast path] ${(err as Error).message}`);
    if (!res.headersSent) {
      res.writeHead(500, { "content-type": "application/problem+json" });
      res.end(problemBody(500, "Internal error", "Ticket Hub hit an unexpected error; the server log has the details."));
    }
    return;
  }
  void handle(req, withProblemFor405(req, res));
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
server.listen(port, () =>
  console.log(
    `[tickethub] instance ${config.instanceId} listening on :${port}${config.readCache.enabled ? ` (fast reads: cache polled every ${config.readCache.pollMs} ms)` : ""}`,
  ),
);

const shutdown = () => {
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 5_000).unref();
};
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);
