import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import { limits } from "../auth/rate-limit";
import { now } from "../clock";
import { bearerKey, keyHashOf, touchKey } from "../consumer/api-keys";
import { CREDENTIAL_CACHE_CONTROL, credentialBody, etagOf, matchesEtag } from "../consumer/consumer-api";
import { lookup } from "./read-cache";

const CONSUMER_READ = /^\/api\/v1\/apps\/([^/?#]+)\/([^/?#]+)\/([^/?#]+)\/?$/;

/** Headers Next adds to every answer (next.config.js) that the fast path must send too. */
const SECURITY_HEADERS: Record<string, string> = { "x-content-type-options": "nosniff", "x-frame-options": "DENY", "referrer-policy": "same-origin" };

/**
 * Answers a consumer read (`GET /api/v1/apps/:vendor/:appId/:kind`) from the in-process cache,
 * with the same body, ETag and 304 as the route handler (shared code). Returns false when the
 * request is not a cache hit: the caller hands it to Next, where the route handler answers it.
 */
export function tryFastPath(req: IncomingMessage, res: ServerResponse): boolean {
  if (req.method !== "GET" || !req.url) return false;
  // A client that asks for no cached answer gets the route handler's read of the database.
  if (/no-cache|no-store/.test(String(req.headers["cache-control"] ?? ""))) return false;
  const m = CONSUMER_READ.exec(req.url.split("?")[0]!);
  if (!m) return false;
  const key = bearerKey(req.headers.authorization);
  if (!key) return false;
  let vendor: string, appId: string, kind: string;
  try {
    [vendor, appId, kind] = [decodeURIComponent(m[1]!), decodeURIComponent(m[2]!), decodeURIComponent(m[3]!)];
  } catch {
    return false;
  }
  const hit = lookup(keyHashOf(key), vendor, appId, kind);
  if (!hit) return false;
  if (limits.consumer.hit(hit.keyId)) return false; // the route handler answers the 429
  if (hit.touchKey) touchKey(hit.keyId).catch(() => {});
  const etag = etagOf(hit.appRef, hit.kind, hit.served.generation);
  const headers = { ...SECURITY_HEADERS, etag, "cache-control": CREDENTIAL_CACHE_CONTROL, "x-tickethub-path": "fast" };
  if (matchesEtag(req.headers["if-none-match"], etag)) {
    res.writeHead(304, headers);
    res.end();
    return true;
  }
  const body = JSON.stringify(credentialBody({ vendor, appId }, hit.kind, hit.served, now()));
  res.writeHead(200, { ...headers, "content-type": "application/json", "content-length": Buffer.byteLength(body) });
  res.end(body);
  return true;
}
