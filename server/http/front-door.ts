import "server-only";
import type { IncomingMessage } from "node:http";
import ipaddr from "ipaddr.js";
import { HEARD_HEADER } from "@/lib/heard-stamps";

// The first thing every request meets (the read plane, scripts/read-plane.ts, owns the socket): it refuses what Next would
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
  if (!url.includes("%")) return true;
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
const BAD_HOST: Refusal = { status: 400, title: "Bad Host header", detail: "host: must be a host name or an IP address, with an optional port", field: "host" };
let lastGoodHost = "";

/** What the front door decided about a connection's peer, once per connection (keep-alive reuses it). */
type PeerVerdict = { text: string; trusted: boolean };
const peers = new WeakMap<object, PeerVerdict>();

function peerOf(req: IncomingMessage, trusted: readonly Range[]): PeerVerdict {
  const socket = req.socket;
  let v = peers.get(socket);
  if (!v) {
    const addr = parseAddress(socket.remoteAddress ?? "");
    v = { text: addr?.toString() ?? "unknown", trusted: isTrusted(addr, trusted) };
    peers.set(socket, v);
  }
  return v;
}

/**
 * Checks a request before anything else sees it and rewrites its forwarded headers (see above).
 * Returns a refusal to answer as problem+json, or null when the request may go on. One pass over
 * the raw header list, and the peer's verdict once per connection: a consumer read answered from
 * memory pays for little more than the Host check.
 */
export function admitRequest(req: IncomingMessage, trusted: readonly Range[]): Refusal | null {
  const raw = req.rawHeaders;
  let host: string | undefined;
  let forwarded = false;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length === 4 && host === undefined && name.toLowerCase() === "host") host = raw[i + 1];
    else if (!forwarded && name.length >= 9) {
      // Every forwarded or internal header starts with "x" or "f": others need no closer look.
      const first = name.charCodeAt(0) | 0x20;
      if (first !== 0x78 && first !== 0x66) continue;
      const lower = name.toLowerCase();
      if (FORWARDED.has(lower) || (lower.startsWith("x-tickethub-") && lower !== HEARD_HEADER)) forwarded = true;
    }
  }
  if (!host) return BAD_HOST;
  if (host !== lastGoodHost) {
    if (!isValidHost(host)) return BAD_HOST;
    // A client sends the same Host on every request: checked once per change.
    lastGoodHost = host;
  }
  if (!req.url || !isValidPath(req.url))
    return { status: 400, title: "Malformed URL", detail: "path: must start with / and use valid percent-encoding (%XX of UTF-8)", field: "path" };
  const peer = peerOf(req, trusted);
  if (!forwarded) {
    // Nothing to drop and nothing forwarded: the client is the peer.
    raw.push(CLIENT_HEADER, peer.text);
    req.headers[CLIENT_HEADER] = peer.text;
    return null;
  }
  const fromProxy = peer.trusted;
  const all = (name: string) => {
    const values: string[] = [];
    for (let i = 0; i < raw.length; i += 2) if (raw[i]!.toLowerCase() === name) values.push(raw[i + 1]!);
    return values.length ? values.join(", ") : undefined;
  };
  const client = fromProxy ? clientAddressOf(req.socket.remoteAddress, all("x-forwarded-for"), trusted) : peer.text;
  if (fromProxy) {
    const fwdHost = all("x-forwarded-host");
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
  // Ticket Hub's own headers (the client address, the change count, the asked path) are set inside
  // an instance, never taken from outside; but for the one a dashboard tab sends itself (the stamps
  // it heard, lib/heard-stamps.ts), read as untrusted input.
  const internal = (name: string) => name.startsWith("x-tickethub-") && name !== HEARD_HEADER;
  const kept: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    if ((FORWARDED.has(name) && drop(name)) || internal(name)) continue;
    kept.push(raw[i]!, raw[i + 1]!);
  }
  kept.push(CLIENT_HEADER, client);
  raw.splice(0, raw.length, ...kept);
  for (const name of Object.keys(req.headers)) if ((FORWARDED.has(name) && drop(name)) || internal(name)) delete req.headers[name];
  req.headers[CLIENT_HEADER] = client;
  return null;
}

/**
 * The client's address as the front door decided it (above): the socket's peer,
 * or what a trusted proxy forwarded. Never read from X-Forwarded-For here: anyone can send that.
 */
export function clientAddress(req: Request): string {
  return (req.headers.get(CLIENT_HEADER) || "unknown").slice(0, 64);
}
