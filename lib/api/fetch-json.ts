import { problemOf } from "@/lib/shape";
import { CSRF_COOKIE, CSRF_HEADER } from "@/lib/roles";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string | undefined,
    readonly body: unknown,
  ) {
    super(detail ? `${title}: ${detail}` : title);
  }
}

function csrfToken(): string {
  if (typeof document === "undefined") return "";
  const pair = document.cookie.split("; ").find((c) => c.startsWith(`${CSRF_COOKIE}=`));
  return pair ? decodeURIComponent(pair.slice(CSRF_COOKIE.length + 1)) : "";
}

/**
 * Fetches JSON, turns problem+json answers into ApiError, and parses success with `schema`.
 * State-changing requests carry the session's CSRF value; a 401 on a page sends the user to sign in.
 */
export async function fetchJson<T>(url: string, schema: { parse: (data: unknown) => T }, init?: RequestInit): Promise<T> {
  let res: Response;
  const unsafe = !!init?.method && !["GET", "HEAD"].includes(init.method.toUpperCase());
  try {
    res = await fetch(url, { ...init, headers: { accept: "application/json", ...(unsafe ? { [CSRF_HEADER]: csrfToken() } : {}), ...init?.headers } });
  } catch {
    throw new ApiError(0, "Ticket Hub is not reachable", "Check that the server is running, then try again.", null);
  }
  const body: unknown = await res.json().catch(() => null);
  if (res.status === 204) return schema.parse(undefined);
  if (res.status === 401 && typeof window !== "undefined" && !url.startsWith("/api/auth/")) {
    window.location.assign(`/signin?next=${encodeURIComponent(window.location.pathname + window.location.search)}`);
  }
  if (!res.ok) {
    const p = problemOf(body);
    throw new ApiError(res.status, p ? p.title : `HTTP ${res.status}`, p?.detail, body);
  }
  return schema.parse(body);
}
