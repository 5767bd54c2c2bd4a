import "server-only";
import { isVendor, type VendorId } from "@/lib/credential-kinds";
import { limits } from "../auth/rate-limit";
import { clientAddress } from "./front-door";
import { now } from "../clock";
import { DatabaseUnavailableError, isDatabaseUnreachable } from "../errors";
import { STALE_HEADER, staleHeaderValue, trackStaleReads } from "../fast/cache-store";
import { faceidProxy } from "../proxy/faceid";
import { feishuProxy } from "../proxy/feishu";
import type { ProxyRequest, ProxyVendor, VendorAnswer } from "../proxy/types";
import { wechatProxy } from "../proxy/wechat";
import { yzbCustomTokenRoute, yzbProxy } from "../proxy/yzb";
import { problem } from "./problem";

const VENDORS: Record<VendorId, ProxyVendor> = { wechat: wechatProxy, feishu: feishuProxy, faceid: faceidProxy, yzb: yzbProxy };
const MAX_BODY = 64 * 1024;

/** A vendor-shaped answer on the wire: always JSON, never cached by intermediaries. */
function vendorResponse(answer: VendorAnswer, extra?: Record<string, string>): Response {
  return new Response(JSON.stringify(answer.body), {
    status: answer.status,
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...answer.headers, ...extra },
  });
}

/**
 * `/api/proxy/<vendor>/<vendor path>`: answers the vendor's own paths in the vendor's own shapes
 * with Ticket Hub's credentials, so an SDK pointed here works unchanged.
 */
export async function handleProxy(req: Request, params: { vendor: string; path?: string[] }): Promise<Response> {
  const wait = limits.proxy.hit(clientAddress(req));
  if (wait) {
    return problem(
      429,
      "Too many requests",
      `At most ${limits.proxy.limit} proxy calls a minute per client; wait ${wait.retryAfterSeconds} s.`,
      {},
      { "retry-after": String(wait.retryAfterSeconds) },
    );
  }
  if (!isVendor(params.vendor)) return problem(404, "Unknown vendor", `vendor: must be one of wechat, feishu, faceid, yzb`);
  const vendor = VENDORS[params.vendor];
  const path = `/${(params.path ?? []).join("/")}`;
  let handler = vendor.routes[`${req.method} ${path}`];
  if (!handler && params.vendor === "yzb" && req.method === "POST") handler = (await yzbCustomTokenRoute(path)) ?? undefined;
  if (!handler) return vendorResponse(vendor.notFound(`no such endpoint ${req.method} ${path}`));

  let body: Record<string, unknown> | undefined;
  if (req.method === "POST") {
    const declared = Number(req.headers.get("content-length") ?? 0);
    if (declared > MAX_BODY) return vendorResponse(vendor.badRequest(`body larger than ${MAX_BODY} bytes`));
    const raw = await req.text();
    if (raw.length > MAX_BODY) return vendorResponse(vendor.badRequest(`body larger than ${MAX_BODY} bytes`));
    const type = req.headers.get("content-type") ?? "";
    if (type.startsWith("application/x-www-form-urlencoded")) {
      body = Object.fromEntries(new URLSearchParams(raw));
    } else if (raw.trim()) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(raw);
      } catch {
        return vendorResponse(vendor.badRequest("body is not valid JSON"));
      }
      if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) return vendorResponse(vendor.badRequest("body must be a JSON object"));
      body = parsed as Record<string, unknown>;
    }
  }
  const url = new URL(req.url);
  const proxyReq: ProxyRequest = { method: req.method, path, query: url.searchParams, headers: req.headers, body };
  try {
    const { value: answer, staleSince } = await trackStaleReads(() => handler(proxyReq));
    // When the answer was made, on the server's clock: lets a client (or a test) judge its validity then.
    const res = vendorResponse(answer, { "x-tickethub-served-at": now().toISOString() });
    // Served from memory because the database did not answer (safe inside the vendor's overlap window).
    if (staleSince) res.headers.set(STALE_HEADER, staleHeaderValue(staleSince));
    return res;
  } catch (err) {
    if (err instanceof DatabaseUnavailableError || isDatabaseUnreachable(err)) {
      // The vendor's own "busy, try again" answer, so an SDK retries as it would with the vendor.
      return vendorResponse(vendor.unavailable("the database is unreachable; try again shortly"), { "retry-after": "5" });
    }
    console.error(`[proxy ${params.vendor} ${path}]`, err instanceof Error ? err.message : err);
    return vendorResponse(vendor.unavailable("unexpected error"));
  }
}
