import "server-only";

export type ProxyRequest = {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Headers;
  /** A JSON object or form fields; undefined when there is no usable body. */
  body: Record<string, unknown> | undefined;
};

/**
 * A vendor-shaped answer as data: the status and JSON body the vendor itself would send (WeChat's
 * errors are HTTP 200 with an errcode, Feishu's carry their own 400/429/500). server/http/proxy.ts
 * turns it into the HTTP response (always JSON, never cached by intermediaries).
 */
export type VendorAnswer = { status: number; body: unknown; headers?: Record<string, string> };

export type ProxyRoute = (req: ProxyRequest) => Promise<VendorAnswer>;

export type ProxyVendor = {
  routes: Record<string, ProxyRoute>;
  /** The vendor's own status and error shape for input it would reject. */
  badRequest: (message: string) => VendorAnswer;
  /** A path the vendor does not have: HTTP 404, as the vendors (and the sandbox) answer it, in the vendor's body shape. */
  notFound: (message: string) => VendorAnswer;
  /** The vendor's own "try again later" shape, for when no valid credential can be served. */
  unavailable: (message: string) => VendorAnswer;
};

export function vendorJson(status: number, body: unknown, headers?: Record<string, string>): VendorAnswer {
  return headers ? { status, body, headers } : { status, body };
}

/** A required non-empty string field of at most `max` characters, or null. */
export function str(v: unknown, max = 512): string | null {
  return typeof v === "string" && v.length > 0 && v.length <= max ? v : null;
}
