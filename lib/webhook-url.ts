import ipaddr from "ipaddr.js";

// Alert webhooks are URLs an admin types in: without these rules they are a way to make the server
// post to itself, the LAN or the cloud metadata service. Pure, so the server's checks (saving a
// policy, reading the config, delivering) and the unit tests share one rule.

/** A TICKETHUB_ALLOWED_WEBHOOK_HOSTS entry: a host (any port) or host:port. */
export type WebhookHost = { hostname: string; port: number | null };

/** Parses one "host" or "host:port" entry ("[::1]:8080" for IPv6); null when it is not one. */
export function parseWebhookHost(entry: string): WebhookHost | null {
  const m = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?$/.exec(entry.trim());
  if (!m || !URL.canParse(`http://${m[1]}/`)) return null;
  const port = m[2] === undefined ? null : Number(m[2]);
  if (port !== null && (port < 1 || port > 65535)) return null;
  return { hostname: new URL(`http://${m[1]}/`).hostname, port };
}

function effectivePort(url: URL): number {
  return url.port ? Number(url.port) : url.protocol === "https:" ? 443 : 80;
}

/** Whether the operator listed this URL's host (and port, when the entry names one). */
export function isAllowedWebhookHost(url: URL, allowed: readonly string[]): boolean {
  return allowed.some((entry) => {
    const h = parseWebhookHost(entry);
    return !!h && h.hostname === url.hostname && (h.port === null || h.port === effectivePort(url));
  });
}

/**
 * Whether an address is an ordinary public unicast one: not loopback, private, link-local (the
 * metadata service), unspecified, carrier-grade NAT, multicast, reserved, or an IPv6 form that
 * embeds an IPv4 address (mapped, NAT64, 6to4, Teredo), checked as the IPv4 address it carries
 * where it is plainly mapped.
 */
export function isPublicAddress(address: string | undefined): boolean {
  if (!address || !ipaddr.isValid(address)) return false;
  // process() turns ::ffff:127.0.0.1 into 127.0.0.1, so the IPv4 ranges apply to it.
  return ipaddr.process(address).range() === "unicast";
}

/** The IP address a URL's hostname spells, or null for a name (WHATWG URLs normalise 0x7f.1 etc. to dotted quads). */
export function ipLiteral(url: URL): string | null {
  if (url.hostname.startsWith("[")) return url.hostname.slice(1, -1);
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(url.hostname) ? url.hostname : null;
}

export const WEBHOOK_HOSTS_HINT = "an operator can allow a host with TICKETHUB_ALLOWED_WEBHOOK_HOSTS";

/**
 * Why this URL may not receive alert webhooks, or null when it may (as far as its text tells:
 * names are checked again after DNS, on delivery). https only, no credentials, no loopback,
 * private or link-local address — except for hosts the operator listed.
 */
export function webhookUrlProblem(value: string, allowedHosts: readonly string[]): string | null {
  if (!URL.canParse(value)) return "must be an https:// URL";
  const url = new URL(value);
  if (url.protocol !== "https:" && url.protocol !== "http:") return "must be an https:// URL";
  if (url.username || url.password) return "must not carry a user name or password (put the token in the path or query)";
  if (isAllowedWebhookHost(url, allowedHosts)) return null;
  const name = url.hostname.replace(/\.$/, "").toLowerCase();
  const literal = ipLiteral(url);
  if (name === "localhost" || name.endsWith(".localhost") || (literal !== null && !isPublicAddress(literal))) {
    return `must not point at a loopback, private or link-local address (${url.hostname}); ${WEBHOOK_HOSTS_HINT}`;
  }
  if (url.protocol !== "https:") return `must be https:// (http only for a listed host); ${WEBHOOK_HOSTS_HINT}`;
  return null;
}

/** What a non-admin sees of a webhook URL: its origin only; the path and query often hold a token. */
export function maskWebhookUrl(value: string): string {
  return URL.canParse(value) ? `${new URL(value).origin}/…` : "…";
}
