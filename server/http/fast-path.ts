import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import { now } from "../clock";
import { bearerKey, keyHashOf, touchKey } from "../consumer/api-keys";
import { CREDENTIAL_CACHE_CONTROL, credentialJson, credentialJsonHead, etagOf, matchesEtag } from "./consumer";
import { handleProxy } from "./proxy";
import { STALE_HEADER, staleHeaderValue } from "../fast/cache-store";
import { lookup } from "../fast/read-cache";

const CONSUMER_READ = /^\/api\/v1\/apps\/([^/?#]+)\/([^/?#]+)\/([^/?#]+)\/?(?:\?.*)?$/;

// Per-process memos, so that a hit costs no hashing or serialising beyond the per-read tail.
const keyHashes = new Map<string, string>();
const heads = new Map<string, string>();
function memo(map: Map<string, string>, key: string, make: () => string): string {
  let v = map.get(key);
  if (v === undefined) {
    if (map.size >= 10_000) map.clear();
    map.set(key, (v = make()));
  }
  return v;
}

/** The three request headers the fast path reads, straight from the raw list (no header object is built). */
function rawHeaders(req: IncomingMessage): { authorization?: string; cacheControl?: string; ifNoneMatch?: string } {
  const out: { authorization?: string; cacheControl?: string; ifNoneMatch?: string } = {};
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length === 13 && name.toLowerCase() === "authorization") out.authorization = raw[i + 1];
    else if (name.length === 13 && name.toLowerCase() === "cache-control") out.cacheControl = raw[i + 1];
    else if (name.length === 13 && name.toLowerCase() === "if-none-match") out.ifNoneMatch = raw[i + 1];
  }
  return out;
}

const decode = (s: string) => (s.includes("%") ? decodeURIComponent(s) : s);

/**
 * Answers a consumer read (`GET /api/v1/apps/:vendor/:appId/:kind`) from the in-process cache,
 * with the same body, ETag and 304 as the route handler (shared code). Returns false when the
 * request is not a cache hit: the caller hands it to Next, where the route handler answers it.
 */
export function tryFastPath(req: IncomingMessage, res: ServerResponse): boolean {
  const url = req.url;
  if (req.method !== "GET" || !url || !url.startsWith("/api/v1/apps/")) return false;
  const m = CONSUMER_READ.exec(url);
  if (!m) return false;
  const h = rawHeaders(req);
  // A client that asks for no cached answer gets the route handler's read of the database.
  if (h.cacheControl && /no-cache|no-store/.test(h.cacheControl)) return false;
  const key = bearerKey(h.authorization);
  if (!key) return false;
  let vendor: string, appId: string, kind: string;
  try {
    [vendor, appId, kind] = [decode(m[1]!), decode(m[2]!), decode(m[3]!)];
  } catch {
    return false;
  }
  const hit = lookup(
    memo(keyHashes, key, () => keyHashOf(key)),
    vendor,
    appId,
    kind,
  );
  if (!hit) return false;
  if (hit.touchKey) touchKey(hit.keyId).catch(() => {});
  const etag = etagOf(hit.appRef, hit.kind, hit.served.generation);
  const stale = hit.staleSince ? [STALE_HEADER, staleHeaderValue(hit.staleSince)] : [];
  if (matchesEtag(h.ifNoneMatch, etag)) {
    res.writeHead(304, ["etag", etag, "cache-control", CREDENTIAL_CACHE_CONTROL, "x-content-type-options", "nosniff", "x-tickethub-path", "fast", ...stale]);
    res.end();
    return true;
  }
  const head = memo(heads, `${etag}|${hit.served.expiresAt.getTime()}|${vendor}|${appId}`, () => credentialJsonHead({ vendor, appId }, hit.kind, hit.served));
  const body = credentialJson(head, hit.served.expiresAt, now());
  res.writeHead(200, [
    "content-type",
    "application/json",
    "content-length",
    String(Buffer.byteLength(body)),
    "etag",
    etag,
    "cache-control",
    CREDENTIAL_CACHE_CONTROL,
    "x-content-type-options",
    "nosniff",
    "x-tickethub-path",
    "fast",
    ...stale,
  ]);
  res.end(body);
  return true;
}

const PROXY = /^\/api\/proxy\/([^/?#]+)((?:\/[^?#]*)?)(?:\?.*)?$/;
const MAX_PROXY_BODY = 64 * 1024;

/**
 * The vendor-compatible proxy (`/api/proxy/<vendor>/…`), answered here with the very handler the
 * route (app/api/proxy) calls, without Next's request pipeline; its reads are served from the read
 * cache like every other read. Returns false for anything else.
 */
export async function tryProxy(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  const url = req.url;
  if (!url?.startsWith("/api/proxy/") || (req.method !== "GET" && req.method !== "POST")) return false;
  const m = PROXY.exec(url);
  if (!m) return false;
  let body: Buffer | undefined;
  if (req.method === "POST") {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      // More than the proxy accepts: keep only enough for it to say so.
      if (size <= MAX_PROXY_BODY + 1) chunks.push(chunk);
    }
    body = Buffer.concat(chunks);
  }
  const headers = new Headers();
  for (let i = 0; i < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
  // A fixed origin: the Host header is the client's to choose and must not reach the URL.
  const request = new Request(`http://tickethub.internal${url}`, { method: req.method, headers, body: body ? new Uint8Array(body) : undefined });
  let vendor: string;
  let path: string[];
  try {
    vendor = decodeURIComponent(m[1]!);
    path = (m[2] ?? "").split("/").filter(Boolean).map(decodeURIComponent);
  } catch {
    return false;
  }
  const answer = await handleProxy(request, { vendor, path });
  const out: string[] = ["x-content-type-options", "nosniff", "x-tickethub-path", "fast"];
  answer.headers.forEach((v, k) => out.push(k, v));
  const buf = Buffer.from(await answer.arrayBuffer());
  out.push("content-length", String(buf.length));
  res.writeHead(answer.status, out);
  res.end(buf);
  return true;
}
