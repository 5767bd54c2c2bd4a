// The one client-side HTTP helper every feature's `api/` files use. It lives in components/ (the
// browser side) rather than lib/ because it reads document.cookie and redirects the window.
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

/** A success answer that does not match its schema; the message names the field. */
export class UnexpectedAnswerError extends Error {}

type Issue = { code: string; path: PropertyKey[]; message: string; expected?: string; values?: unknown[] };

function describeIssue(issue: Issue): string {
  const at = issue.path.reduce<string>((s, k) => (typeof k === "number" ? `${s}[${k}]` : s ? `${s}.${String(k)}` : String(k)), "") || "answer";
  const want =
    issue.code === "invalid_type" && issue.expected
      ? (({ object: "an object", array: "a list", boolean: "true or false" } as Record<string, string>)[issue.expected] ?? `a ${issue.expected}`)
      : issue.code === "invalid_value" && issue.values
        ? `one of ${issue.values.join(", ")}`
        : null;
  return `unexpected answer from Ticket Hub: ${at} ${want ? `should be ${want}` : issue.message}`;
}

type Schema<T> = { parse: (data: unknown) => T };
/**
 * A schema, or a loader for one: the overview passes loaders so zod/mini is fetched alongside its
 * first request instead of weighing on the page's first load (Turbopack keeps ~24 kB gzip of it).
 */
export type SchemaSource<T> = Schema<T> | (() => Promise<Schema<T>>);

/** Parses with a zod (or zod/mini) schema; a mismatch becomes one readable error naming the first wrong field. */
export function parseAnswer<T>(schema: Schema<T>, data: unknown): T {
  try {
    return schema.parse(data);
  } catch (e) {
    const issues = (e as { issues?: Issue[] } | null)?.issues;
    if (Array.isArray(issues) && issues[0]) throw new UnexpectedAnswerError(describeIssue(issues[0]));
    throw e;
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
export async function fetchJson<T>(url: string, source: SchemaSource<T>, init?: RequestInit): Promise<T> {
  const loading = typeof source === "function" ? source() : Promise.resolve(source);
  loading.catch(() => {}); // awaited below; a failed load must not surface as an unhandled rejection first
  let res: Response;
  const unsafe = !!init?.method && !["GET", "HEAD"].includes(init.method.toUpperCase());
  try {
    res = await fetch(url, { ...init, headers: { accept: "application/json", ...(unsafe ? { [CSRF_HEADER]: csrfToken() } : {}), ...init?.headers } });
  } catch {
    throw new ApiError(0, "Ticket Hub is not reachable", "Check that the server is running, then try again.", null);
  }
  const body: unknown = await res.json().catch(() => null);
  if (res.status === 204) return parseAnswer(await loading, undefined);
  if (res.status === 401 && typeof window !== "undefined" && !url.startsWith("/api/auth/")) {
    window.location.assign(`/signin?next=${encodeURIComponent(window.location.pathname + window.location.search)}`);
  }
  if (!res.ok) {
    const { problemSchema } = await import("@/lib/problem");
    const p = problemSchema.safeParse(body);
    throw new ApiError(res.status, p.success ? p.data.title : `HTTP ${res.status}`, p.success ? p.data.detail : undefined, body);
  }
  return parseAnswer(await loading, body);
}

/** JSON body for a POST/PATCH/PUT. */
export const jsonBody = (method: string, body?: unknown): RequestInit => ({
  method,
  headers: { "content-type": "application/json" },
  ...(body === undefined ? {} : { body: JSON.stringify(body) }),
});

/** For answers whose body the caller ignores. */
export const anyAnswer = { parse: (x: unknown) => x };
