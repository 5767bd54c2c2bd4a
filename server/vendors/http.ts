import "server-only";
import { now } from "../clock";
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

export type UpstreamResponse = { status: number; contentType: string; text: string; headers: Headers };

/**
 * One HTTP call to a vendor with a timeout. Transport failures and 5xx become `network`;
 * the caller parses the body and finishes the record through `finish`.
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
    });
    text = await response.text();
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
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
