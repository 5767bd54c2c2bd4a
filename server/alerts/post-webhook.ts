import "server-only";
import dns from "node:dns";
import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import { isAllowedWebhookHost, isPublicAddress, webhookUrlProblem } from "@/lib/webhook-url";

/** Resolves a host name to every address it has (dns.lookup by default; tests inject one). */
export type Resolve = (hostname: string) => Promise<dns.LookupAddress[]>;

const systemResolve: Resolve = (hostname) => dns.promises.lookup(hostname, { all: true, verbatim: true });

class AddressRefused extends Error {}

/**
 * A `lookup` for http.request that refuses a name with any non-public address. The socket then
 * dials the address checked here, so a DNS answer that changes between a check and the connect
 * (rebinding) cannot slip a private address in.
 */
function guardedLookup(resolve: Resolve): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname).then(
      (addresses) => {
        if (addresses.length === 0 || !addresses.every((a) => isPublicAddress(a.address))) {
          callback(new AddressRefused(`${hostname} resolves to a non-public address`), "", 0);
        } else if (options.all) {
          callback(null, addresses);
        } else {
          callback(null, addresses[0]!.address, addresses[0]!.family);
        }
      },
      (err: NodeJS.ErrnoException) => callback(err, "", 0),
    );
  };
}

/** The stored and shown outcome: a class of failure, never a body or a socket error (no port probing). */
export type WebhookResult = { ok: true } | { ok: false; error: string; retry: boolean };

/**
 * Posts one alert body to a webhook URL: https to a public address, unless the operator listed the
 * host in TICKETHUB_ALLOWED_WEBHOOK_HOSTS. The address is checked on the URL's text (IP literals)
 * and after DNS, both before connecting, and once connected, before any request byte; a redirect
 * is a failure (node's http never follows one). Not fetch: its lookup cannot be replaced without
 * a dependency.
 */
export async function postWebhook(
  target: string,
  body: string,
  opts: {
    allowedHosts: readonly string[];
    timeoutMs?: number;
    resolve?: Resolve;
    /** Chat bots answer 200 with an error code in the body: reads up to 4 KiB of it; a string is the failure's class. */
    accept?: (body: string) => string | null;
  },
): Promise<WebhookResult> {
  // Refused by rule: trying again cannot change that.
  const refused: WebhookResult = { ok: false, error: "delivery failed: refused by the address guard", retry: false };
  if (webhookUrlProblem(target, opts.allowedHosts)) return refused;
  const url = new URL(target);
  // Listed hosts are the operator's choice (a chat bot on the LAN, the tests' loopback listener).
  const guard = !isAllowedWebhookHost(url, opts.allowedHosts);
  const request = url.protocol === "https:" ? https.request : http.request;
  return new Promise<WebhookResult>((settle) => {
    const req = request(
      url,
      {
        method: "POST",
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body), "user-agent": "TicketHub-Alerts" },
        // A fresh socket per delivery, so each one goes through the lookup and the connect check.
        agent: false,
        ...(guard ? { lookup: guardedLookup(opts.resolve ?? systemResolve) } : {}),
        signal: AbortSignal.timeout(opts.timeoutMs ?? 5_000),
      },
      (res) => {
        const status = res.statusCode ?? 0;
        res.on("error", () => {});
        if (status < 200 || status >= 300 || !opts.accept) {
          // The answer's body is neither stored nor shown: drain it and close.
          res.resume();
          settle(status >= 200 && status < 300 ? { ok: true } : { ok: false, error: `delivery failed: HTTP ${status}`, retry: true });
          req.destroy();
          return;
        }
        // Read only as much as a bot's answer needs; the body is judged here, never stored or shown.
        const accept = opts.accept;
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          text += chunk;
          if (text.length > 4096) res.destroy();
        });
        res.on("close", () => {
          const refused = accept(text.slice(0, 4096));
          settle(refused ? { ok: false, error: refused, retry: false } : { ok: true });
        });
      },
    );
    if (guard) {
      // Last line, should the checks above ever be bypassed: the address actually connected to.
      // Only a TLS hello can have gone out by then, never the request.
      req.on("socket", (socket) => {
        socket.once("connect", () => {
          if (!isPublicAddress(socket.remoteAddress)) req.destroy(new AddressRefused("connected to a non-public address"));
        });
      });
    }
    req.on("error", (err) => settle(err instanceof AddressRefused ? refused : { ok: false, error: "delivery failed: could not connect", retry: true }));
    req.end(body);
  });
}
