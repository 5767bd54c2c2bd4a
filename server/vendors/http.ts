import "server-only";
import { isPlainVendorPath } from "@/lib/vendor-path";
import { now } from "../clock";
import { readBounded } from "../http/bounded-body";
import { VendorError, type CallRecord, type FailureClass, type VendorContext } from "./types";

const SENSITIVE_KEYS = /token|ticket|secret|password|value|open_id/i;

/** Replaces every sensitive field and every known secret string by "***". */
export function redact(body: string, secrets: string[] = []): string {
  let text = body;
  try {
    text = JSON.stringify(JSON.parse(body), (key, value) =>
      key && SENSITIVE_KEYS.test(key) && (typeof value === "string" || typeof value === "number") ? "***" : value,
    );
  } catch {
    // Not JSON: keep the text, still scrubbing the known secrets below.
  }
  for (const s of secrets) if (s.length >= 4) text = text.split(s).join("***");
  return text.length > 4000 ? `${text.slice(0, 4000)}…` : text;
}

/** The origin of an app's base URL; anything but an http(s) URL is a configuration error. */
function baseOrigin(baseUrl: string): string {
  const u = URL.canParse(baseUrl) ? new URL(baseUrl) : null;
  if (!u || (u.protocol !== "https:" && u.protocol !== "http:")) throw new VendorError("bad-config", "the app's base URL is not an http(s) URL");
  return u.origin;
}

/**
 * The one place a vendor URL is built: the app's origin plus a plain path (and a query). Every
 * vendor module calls this, never `new URL(path, base)`: a path such as "//evil.example/x" would
 * resolve to another host and the app secret would be posted there. Refused before any request.
 */
export function vendorUrl(ctx: Pick<VendorContext, "baseUrl">, path: string, query?: Record<string, string>): URL {
  const origin = baseOrigin(ctx.baseUrl);
  if (!isPlainVendorPath(path))
    throw new VendorError("bad-config", `refused to call ${JSON.stringify(path.slice(0, 200))}: not a plain path on the app's host`);
  const url = new URL(path, origin);
  // Belt and braces: whatever the rule above misses, the request still goes to the app's origin.
  if (url.origin !== origin || url.pathname !== path)
    throw new VendorError("bad-config", `refused to call ${JSON.stringify(path.slice(0, 200))}: it leaves ${origin}`);
  if (query) url.search = new URLSearchParams(query).toString();
  return url;
}

export type UpstreamResponse = { status: number; contentType: string; text: string; headers: Headers };

/**
 * The most of a vendor's answer that is read. Every documented answer is well under 1 kB; something
 * much larger (a captive portal's page, a misrouted download, a broken or hostile server at the app's
 * base URL) is a bad answer, and reading it whole would hold it in memory, twice parsed.
 */
export const MAX_ANSWER_BYTES = 64 * 1024;

class AnswerTooLarge extends Error {}

/** The body as text, up to MAX_ANSWER_BYTES: past that (said by Content-Length or seen while reading) the read stops and the connection is let go. */
async function boundedText(response: Response): Promise<string> {
  const bytes = await readBounded(response.body, response.headers.get("content-length"), MAX_ANSWER_BYTES);
  if (!bytes) throw new AnswerTooLarge();
  // As Response.text() decodes: UTF-8, a byte order mark dropped.
  return new TextDecoder().decode(bytes);
}

/**
 * One HTTP call to a vendor with a timeout. Transport failures and 5xx become `network`;
 * the caller parses the body and finishes the record through `finish`. A URL off the app's origin
 * is refused (recorded as `bad-config`, nothing sent), and a redirect is a failure, not followed:
 * following it would re-send the body, secrets included, to wherever the Location points.
 */
export async function upstream(
  ctx: VendorContext,
  req: { endpoint: string; method: "GET" | "POST"; url: URL; body?: unknown; headers?: Record<string, string>; secrets: string[] },
): Promise<{ res: UpstreamResponse; finish: (outcome: Partial<CallRecord>) => Promise<void> }> {
  const startedAt = now();
  const t0 = performance.now();
  const base = { endpoint: req.endpoint, method: req.method, startedAt };
  const fail = async (failure: FailureClass, message: string, partial: Partial<CallRecord>) => {
    await ctx.record({
      ...base,
      latencyMs: Math.round(performance.now() - t0),
      httpStatus: null,
      vendorCode: null,
      vendorMessage: message,
      errorClass: failure,
      bodyRedacted: null,
      ...partial,
    });
    return new VendorError(failure, message, { httpStatus: partial.httpStatus ?? undefined });
  };

  let origin: string;
  try {
    origin = baseOrigin(ctx.baseUrl);
  } catch (err) {
    throw await fail("bad-config", (err as Error).message, {});
  }
  if (req.url.origin !== origin) throw await fail("bad-config", `refused to call ${req.url.origin}: not the app's base URL ${origin}`, {});

  let response: Response;
  let text: string;
  try {
    response = await fetch(req.url, {
      method: req.method,
      headers: {
        ...(req.body !== undefined ? { "content-type": "application/json; charset=utf-8" } : {}),
        ...req.headers,
      },
      body: req.body !== undefined ? JSON.stringify(req.body) : undefined,
      signal: AbortSignal.timeout(ctx.timeoutMs),
      cache: "no-store",
      redirect: "error",
    });
    text = await boundedText(response);
  } catch (err) {
    if (err instanceof AnswerTooLarge) {
      const status = response!.status;
      // A gateway's large error page is still the vendor's 5xx (network), as a small one is.
      if (status >= 500) throw await fail("network", `HTTP ${status} from the vendor`, { httpStatus: status });
      throw await fail("bad-response", `${req.url.origin} answered with more than ${MAX_ANSWER_BYTES / 1024} KiB: not read`, { httpStatus: status });
    }
    const e = err as Error & { cause?: { code?: string; message?: string } };
    // fetch reports `redirect: "error"` as a network error whose cause says so.
    if (e.cause?.message === "unexpected redirect") throw await fail("bad-response", `${req.url.origin} answered with a redirect: not followed`, {});
    const message =
      e.name === "TimeoutError" || e.name === "AbortError"
        ? `no answer within ${ctx.timeoutMs} ms`
        : `cannot reach ${req.url.origin}: ${e.cause?.code ?? e.cause?.message ?? e.message}`;
    throw await fail("network", message, {});
  }
  const bodyRedacted = redact(text, req.secrets);
  if (response.status >= 500) {
    throw await fail("network", `HTTP ${response.status} from the vendor`, { httpStatus: response.status, bodyRedacted });
  }
  const res: UpstreamResponse = {
    status: response.status,
    contentType: response.headers.get("content-type") ?? "",
    text,
    headers: response.headers,
  };
  const finish = async (outcome: Partial<CallRecord>) => {
    await ctx.record({
      ...base,
      latencyMs: Math.round(performance.now() - t0),
      httpStatus: response.status,
      vendorCode: null,
      vendorMessage: null,
      errorClass: null,
      bodyRedacted,
      ...outcome,
    });
  };
  return { res, finish };
}

/** Parses a vendor body as JSON; anything else is a `bad-response`. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
