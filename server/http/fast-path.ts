import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import { nowMs } from "../clock";
import { bearerKey, keyHashOf, touchKey } from "../consumer/api-keys";
import { CREDENTIAL_CACHE_CONTROL, credentialJsonHead, etagOf, readCredential } from "./consumer";
import { matchesEtag } from "./etag";
import { answerWithWeb, webRequestOf } from "./node-answers";
import { handleProxy } from "./proxy";
import { STALE_HEADER, staleHeaderValue } from "../fast/cache-store";
import { type CacheHit, type HitValue, lookup, type ReadTarget, readTarget } from "../fast/read-cache";

const PREFIX = "/api/v1/apps/";

// Per-process memos, so that a hit costs no parsing, hashing, serialising or header building beyond
// the per-read tail (remainingSeconds, servedAt) and the lookups themselves.
/**
 * Authorization header → the key's hash; bounded. Only headers that hold a key are remembered (a
 * key is ~70 characters): anything else would let anyone fill memory with 16 KiB junk headers.
 */
const keyHashes = new Map<string, string>();
function keyHashFor(authorization: string): string | null {
  const known = keyHashes.get(authorization);
  if (known !== undefined) return known;
  const key = bearerKey(authorization);
  if (!key) return null;
  const hash = keyHashOf(key);
  if (authorization.length <= 200) {
    if (keyHashes.size >= 10_000) keyHashes.clear();
    keyHashes.set(authorization, hash);
  }
  return hash;
}

/**
 * The read a URL names (`/api/v1/apps/:vendor/:appId/:kind`, an optional trailing slash and query),
 * percent-decoded; null when the URL is not one or does not decode (the route handler answers it).
 */
function parseTarget(url: string): ReadTarget | null {
  const q = url.indexOf("?", PREFIX.length);
  const path = q === -1 ? url : url.slice(0, q);
  if (path.includes("#")) return null;
  const parts = path.slice(PREFIX.length).split("/");
  if (parts.length === 4 ? parts[3] !== "" : parts.length !== 3) return null;
  const [vendor, appId, kind] = parts as [string, string, string];
  if (!vendor || !appId || !kind) return null;
  try {
    return readTarget(decode(vendor), decode(appId), decode(kind));
  } catch {
    return null;
  }
}

const decode = (s: string) => (s.includes("%") ? decodeURIComponent(s) : s);

/** URL → what it reads, for short URLs without a query (a client's few URLs, read again and again); bounded. */
const targets = new Map<string, ReadTarget | null>();
function targetOf(url: string): ReadTarget | null {
  const known = targets.get(url);
  if (known !== undefined) return known;
  const target = parseTarget(url);
  if (url.length <= 200 && !url.includes("?")) {
    if (targets.size >= 10_000) targets.clear();
    targets.set(url, target);
  }
  return target;
}

/** What is fixed for one value as served to one app's URL: its ETag, body head and header lists. */
type Answer = {
  etag: string;
  head: string;
  /** The head's length in bytes (it is JSON of ASCII names and values, but this does not rely on it). */
  headBytes: number;
  expiresAtMs: number;
  /** The 200's headers; slot 3 (content-length) is set per read. */
  ok: string[];
  notModified: string[];
};
/** By cached value: a reload replaces the value objects it changed, so an answer lives as long as its value. */
const answers = new WeakMap<HitValue, Answer>();

function answerFor(hit: CacheHit, t: ReadTarget): Answer {
  const served = hit.served;
  const have = answers.get(served);
  if (have) return have;
  const etag = etagOf(hit.appRef, hit.kind, served.generation);
  const common = ["etag", etag, "cache-control", CREDENTIAL_CACHE_CONTROL, "x-content-type-options", "nosniff", "x-tickethub-path", "fast"];
  const head = credentialJsonHead({ vendor: t.vendor, appId: t.appId }, hit.kind, served);
  const answer: Answer = {
    etag,
    head,
    headBytes: Buffer.byteLength(head),
    expiresAtMs: served.expiresAt.getTime(),
    ok: ["content-type", "application/json", "content-length", "", ...common],
    notModified: common,
  };
  answers.set(served, answer);
  return answer;
}

/** servedAt, formatted once per millisecond. */
let isoMs = Number.NaN;
let iso = "";

/**
 * Answers a consumer read (`GET /api/v1/apps/:vendor/:appId/:kind`) from the in-process cache,
 * with the same body, ETag and 304 as the route handler (shared code). Returns false when the
 * request is not a cache hit: the caller hands it to Next, where the route handler answers it.
 * Synchronous, and on a hit it allocates little more than the body's tail.
 */
export function tryFastPath(req: IncomingMessage, res: ServerResponse): boolean {
  const url = req.url;
  if (req.method !== "GET" || !url || !url.startsWith(PREFIX)) return false;
  const target = targetOf(url);
  if (!target) return false;
  const h = req.headers;
  // A client that asks for no cached answer gets the route handler's read of the database.
  const cacheControl = h["cache-control"];
  if (cacheControl && /no-cache|no-store/.test(cacheControl)) return false;
  const authorization = h.authorization;
  if (!authorization) return false;
  const keyHash = keyHashFor(authorization);
  if (!keyHash) return false;
  const ms = nowMs();
  const hit = lookup(keyHash, target, ms);
  if (!hit) return false;
  if (hit.touchKey) touchKey(hit.keyId).catch(() => {});
  const answer = answerFor(hit, target);
  const stale = hit.staleSince ? [STALE_HEADER, staleHeaderValue(hit.staleSince)] : null;
  if (matchesEtag(h["if-none-match"], answer.etag)) {
    res.writeHead(304, stale ? [...answer.notModified, ...stale] : answer.notModified);
    res.end();
    return true;
  }
  if (ms !== isoMs) {
    isoMs = ms;
    iso = new Date(ms).toISOString();
  }
  // The tail is ASCII: its length is its size in bytes.
  const tail = `,"remainingSeconds":${Math.floor((answer.expiresAtMs - ms) / 1000)},"servedAt":"${iso}"}`;
  const headers = stale ? [...answer.ok, ...stale] : answer.ok;
  headers[3] = String(answer.headBytes + tail.length);
  res.writeHead(200, headers);
  res.end(answer.head + tail);
  return true;
}

/**
 * A consumer read the cache could not answer (a cold value, one about to expire, `no-cache`, an
 * unknown key…), answered here with the route handler's own code (readCredential: same status,
 * headers and body) instead of through the Next server. A herd of cold reads then waits here on one
 * read per process (serve-credential.ts) and is answered by this process, not queued by the hundred
 * in Next's request pipeline (1,000 cold reads over 3 instances: several seconds there).
 * Returns false for anything else, or a path whose parts do not decode (Next answers those).
 */
export function tryConsumerRead(
  req: IncomingMessage,
  res: ServerResponse,
  extraHeaders: readonly { key: string; value: string }[],
  fail: (err: unknown) => void,
): boolean {
  const url = req.url;
  if (req.method !== "GET" || !url?.startsWith(PREFIX)) return false;
  const t = parseTarget(url);
  if (!t) return false;
  const params = { vendor: t.vendor, appId: t.appId, kind: t.kind };
  answerWithWeb(req, res, (request) => readCredential(request, params), extraHeaders).catch(fail);
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
  const request = webRequestOf(req, undefined, body ? new Uint8Array(body) : undefined);
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
