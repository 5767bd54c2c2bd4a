import "server-only";

export type ProxyRequest = {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Headers;
  /** A JSON object or form fields; undefined when there is no usable body. */
  body: Record<string, unknown> | undefined;
};

export type ProxyVendor = {
  routes: Record<string, (req: ProxyRequest) => Promise<Response>>;
  /** The vendor's own status and error shape for input it would reject. */
  badRequest: (message: string) => Response;
  /** A path the vendor does not have: HTTP 404, as the vendors (and the sandbox) answer it, in the vendor's body shape. */
  notFound: (message: string) => Response;
  /** The vendor's own "try again later" shape, for when no valid credential can be served. */
  unavailable: (message: string) => Response;
};

/** A vendor-shaped answer: always JSON, never cached by intermediaries. */
export function vendorJson(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...headers },
  });
}

/** A required non-empty string field of at most `max` characters, or null. */
export function str(v: unknown, max = 512): string | null {
  return typeof v === "string" && v.length > 0 && v.length <= max ? v : null;
}
