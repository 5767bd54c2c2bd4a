import "server-only";
import type { IncomingMessage } from "node:http";
import ipaddr from "ipaddr.js";

// The first thing every request meets (scripts/serve.ts owns the socket): it refuses what Next would
// answer with a bare 500 (a malformed Host, malformed percent-encoding in the path) and decides who
// the client is. Forwarded headers (X-Forwarded-For/-Host/-Proto, X-Real-IP) count only when the
// peer that sent them is a proxy the operator trusts (TICKETHUB_TRUSTED_PROXIES); from anyone else
// they are dropped, so Next fills them from the socket and no per-address limit can be dodged by
// inventing a header.

/** The header that carries the client address the front door decided on, to route handlers. */
export const CLIENT_HEADER = "x-tickethub-client";
const FORWARDED = new Set(["x-forwarded-for", "x-forwarded-host", "x-forwarded-proto", "x-forwarded-port", "x-real-ip", "forwarded", CLIENT_HEADER]);

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** Parses "10.0.0.0/8, 172.28.0.10, ::1" (addresses or CIDRs); throws on anything else. */
export function parseTrustedProxies(list: string): Range[] {
  return list
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry): Range => {
      if (entry.includes("/")) {
        const [addr, bits] = ipaddr.parseCIDR(entry);
        return [normalise(addr), addr.kind() === "ipv6" && normalise(addr).kind() === "ipv4" ? bits - 96 : bits];
      }
      const addr = normalise(ipaddr.parse(entry));
      return [addr, addr.kind() === "ipv4" ? 32 : 128];
    });
}

/** IPv4-mapped IPv6 (::ffff:1.2.3.4, how a dual-stack socket reports IPv4 peers) as plain IPv4. */
function normalise(addr: ipaddr.IPv4 | ipaddr.IPv6): ipaddr.IPv4 | ipaddr.IPv6 {
  return addr.kind() === "ipv6" && (addr as ipaddr.IPv6).isIPv4MappedAddress() ? (addr as ipaddr.IPv6).toIPv4Address() : addr;
}

function parseAddress(text: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  let t = text.trim();
  // "[::1]:1234" and "1.2.3.4:5678", as some proxies write them.
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(t);
  if (bracketed) t = bracketed[1]!;
  else if (/^\d+\.\d+\.\d+\.\d+:\d+$/.test(t)) t = t.slice(0, t.lastIndexOf(":"));
  return ipaddr.isValid(t) ? normalise(ipaddr.parse(t)) : null;
}

export function isTrusted(addr: ipaddr.IPv4 | ipaddr.IPv6 | null, trusted: readonly Range[]): boolean {
  if (!addr) return false;
  return trusted.some(([net, bits]) => net.kind() === addr.kind() && addr.match(net as never, bits));
}

/**
 * The client's address: the socket's peer, unless that peer is a trusted proxy; then the nearest
 * address in X-Forwarded-For that is not itself a trusted proxy (read from the right: every entry
 * left of an untrusted hop could have been written by the client).
 */
export function clientAddressOf(peer: string | undefined, forwardedFor: string | undefined, trusted: readonly Range[]): string {
  const peerAddr = parseAddress(peer ?? "");
  const peerText = peerAddr?.toString() ?? "unknown";
  if (!isTrusted(peerAddr, trusted) || !forwardedFor) return peerText;
  const hops = forwardedFor
    .split(",")
    .map((h) => h.trim())
    .filter(Boolean);
  let client = peerText;
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = parseAddress(hops[i]!);
    if (!hop) break; // garbage: stop at the last address we could read
    client = hop.toString();
    if (!isTrusted(hop, trusted)) break;
  }
  return client;
}

/** A Host (or X-Forwarded-Host) value: a DNS name or an IP literal, with an optional port. */
export function isValidHost(host: string): boolean {
  return (
    /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})?)*\.?|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/.test(host) && host.length <= 255
  );
}

/** Whether every percent-escape in the path decodes (Next answers a bare 500 when one does not). */
export function isValidPath(url: string): boolean {
  if (!url.startsWith("/") || url.startsWith("//")) return false;
  const q = url.search(/[?#]/);
  const path = q === -1 ? url : url.slice(0, q);
  if (!path.includes("%")) return true;
  try {
    decodeURIComponent(path);
    return true;
  } catch {
    return false;
  }
}

export type Refusal = { status: number; title: string; detail: string; field: string };

/**
 * Checks a request before anything else sees it and rewrites its forwarded headers (see above).
 * Returns a refusal to answer as problem+json, or null when the request may go on.
 */
export function admitRequest(req: IncomingMessage, trusted: readonly Range[]): Refusal | null {
  const host = req.headers.host;
  if (!host || !isValidHost(host))
    return { status: 400, title: "Bad Host header", detail: "host: must be a host name or an IP address, with an optional port", field: "host" };
  if (!req.url || !isValidPath(req.url))
    return { status: 400, title: "Malformed URL", detail: "path: must start with / and use valid percent-encoding (%XX of UTF-8)", field: "path" };
  const peer = req.socket.remoteAddress;
  const fromProxy = isTrusted(parseAddress(peer ?? ""), trusted);
  const client = clientAddressOf(peer, fromProxy ? headerText(req.headers["x-forwarded-for"]) : undefined, trusted);
  if (fromProxy) {
    const fwdHost = headerText(req.headers["x-forwarded-host"]);
    if (fwdHost !== undefined && !isValidHost(fwdHost.split(",")[0]!.trim())) {
      return {
        status: 400,
        title: "Bad X-Forwarded-Host header",
        detail: "x-forwarded-host: must be a host name or an IP address, with an optional port",
        field: "x-forwarded-host",
      };
    }
  }
  const drop = (name: string) => !fromProxy || name === CLIENT_HEADER;
  for (const name of Object.keys(req.headers)) if (FORWARDED.has(name) && drop(name)) delete req.headers[name];
  const raw: string[] = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!.toLowerCase();
    if (FORWARDED.has(name) && drop(name)) continue;
    raw.push(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
  }
  raw.push(CLIENT_HEADER, client);
  req.rawHeaders.splice(0, req.rawHeaders.length, ...raw);
  req.headers[CLIENT_HEADER] = client;
  return null;
}

function headerText(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v.join(", ") : v;
}

/**
 * The client's address as the front door decided it (above): the socket's peer,
 * or what a trusted proxy forwarded. Never read from X-Forwarded-For here: anyone can send that.
 */
export function clientAddress(req: Request): string {
  return (req.headers.get(CLIENT_HEADER) || "unknown").slice(0, 64);
}
