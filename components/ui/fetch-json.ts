// The one client-side HTTP helper every feature's `api/` files use. It lives in components/ (the
// browser side) rather than lib/ because it reads document.cookie and redirects the window.
import { HEARD_HEADER } from "@/lib/heard-stamps";
import { CSRF_COOKIE, CSRF_HEADER } from "@/lib/roles";
import { heardFromServer } from "./freshness";
import { heardStamps, noteWrite } from "./shared-reads";

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

/**
 * "Refresh failed: the vendor answered HTTP 500", said once: the server's problem title often is
 * already what the UI would put in front ("Refresh failed"), and must not be repeated.
 */
export function failedText(what: string, err: Error): string {
  return err.message.toLowerCase().startsWith(what.toLowerCase()) ? err.message : `${what}: ${err.message}`;
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
 * A schema, or a loader for one: the overview passes loaders so zod/mini (Turbopack keeps ~24 kB
 * gzip of it) does not weigh on the page's first load. Pages load them once the browser is idle
 * after it (schema-when-idle.ts), or with the first request that needs one if that comes first.
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

/** How long any request may take before the dashboard gives up on it and says so. */
export const REQUEST_TIMEOUT_MS = 8_000;

/**
 * How long a request that waits for a vendor may take (a refresh: the token's call and the ticket's,
 * each up to the server's upstream timeout, 10 s by default, or a running refresh it joins). With
 * the 8 s above a slow vendor made the page say "Ticket Hub did not answer" while the refresh went on.
 */
export const VENDOR_WAIT_TIMEOUT_MS = 60_000;

/** An answer whose body is read within its own deadline (see send). */
type Sent = { res: Response; json: () => Promise<unknown>; discard: () => Promise<void> };

const didNotAnswer = (timeoutMs: number, started: boolean) =>
  new ApiError(
    0,
    "Ticket Hub did not answer",
    started
      ? `Its answer did not arrive in full within ${timeoutMs / 1000} s of its start: the server or this browser may be overloaded. Try again.`
      : `No answer within ${timeoutMs / 1000} s: the server may be overloaded or stopped. Try again.`,
    null,
  );

/**
 * A signal that aborts when either does, with that one's reason, and `release` to call once the
 * request is over. AbortSignal.any where the browser has it; older browsers lack it (Chrome before
 * 116, Firefox before 124, Safari before 17.4), and there every read that a caller can cancel (all of
 * TanStack Query's) threw a TypeError instead of being asked. There it follows both signals with
 * listeners, which `release` removes (a caller's signal kept for many requests would gather them).
 */
export function eitherSignal(a: AbortSignal, b: AbortSignal): { signal: AbortSignal; release: () => void } {
  if (typeof AbortSignal.any === "function") return { signal: AbortSignal.any([a, b]), release: () => {} };
  const both = new AbortController();
  const released = new AbortController();
  const follow = (s: AbortSignal) => {
    if (s.aborted) both.abort(s.reason);
    else if (!both.signal.aborted) s.addEventListener("abort", () => both.abort(s.reason), { once: true, signal: released.signal });
  };
  follow(a);
  follow(b);
  return { signal: both.signal, release: () => released.abort() };
}

/**
 * Sends a request with the dashboard's rules: a timeout (REQUEST_TIMEOUT_MS unless the caller names
 * another, on top of the caller's signal), the session's CSRF value on state-changing methods, and a
 * 401 on a page sends the user to sign in. Any answer is news that the server is alive (freshness.ts).
 *
 * The timeout is for the answer to come. Once its headers are here, reading its body has a deadline
 * of its own, as long again: a tab starved of CPU (many open tabs on a busy machine) can take
 * seconds to read an answer that came in time, and with one deadline for both a list answered after
 * 5 s was cut off at 8 s while it was read, failed as malformed, was asked again and cut off again,
 * and the tab kept showing the list from before the change (bench/idle-tabs.ts, 100 browsers).
 */
async function send(url: string, init?: RequestInit, timeoutMs = REQUEST_TIMEOUT_MS): Promise<Sent> {
  const unsafe = !!init?.method && !["GET", "HEAD"].includes(init.method.toUpperCase());
  const timeout = new AbortController();
  const either = init?.signal ? eitherSignal(init.signal, timeout.signal) : null;
  const signal = either?.signal ?? timeout.signal;
  let deadline = setTimeout(() => timeout.abort(), timeoutMs);
  const done = () => {
    clearTimeout(deadline);
    either?.release();
  };
  let res: Response;
  try {
    res = await fetch(url, { ...init, signal, headers: { accept: "application/json", ...(unsafe ? { [CSRF_HEADER]: csrfToken() } : {}), ...init?.headers } });
  } catch (err) {
    done();
    if (unsafe) noteWrite(); // it may have been done all the same
    if (timeout.signal.aborted) throw didNotAnswer(timeoutMs, false);
    if (init?.signal?.aborted) throw err;
    throw new ApiError(0, "Ticket Hub is not reachable", "Check that the server is running, then try again.", null);
  }
  clearTimeout(deadline);
  deadline = setTimeout(() => timeout.abort(), timeoutMs);
  heardFromServer();
  // What other tabs read before this write was answered no longer serves this tab (shared-reads.ts).
  if (unsafe) noteWrite();
  if (res.status === 401 && typeof window !== "undefined" && !url.startsWith("/api/auth/")) {
    window.location.assign(`/signin?next=${encodeURIComponent(window.location.pathname + window.location.search)}`);
  }
  /**
   * Reads the body: null when it is not JSON (a proxy's HTML error page); cut off by the deadline or
   * broken off on the way (a reset connection), the answer did not come, which is worth asking again
   * (stuck-reads.ts), unlike an answer that came malformed.
   */
  const json = async (): Promise<unknown> => {
    try {
      return await res.json();
    } catch (err) {
      if (timeout.signal.aborted) throw didNotAnswer(timeoutMs, true);
      if (init?.signal?.aborted) throw err;
      if (err instanceof SyntaxError) return null;
      throw new ApiError(0, "Ticket Hub did not answer", "Its answer broke off on the way. Try again.", null);
    } finally {
      done();
    }
  };
  const discard = async () => {
    await res.arrayBuffer().catch(() => {});
    done();
  };
  return { res, json, discard };
}

async function problemOf(res: Response, body: unknown): Promise<ApiError> {
  const { problemSchema } = await import("@/lib/problem");
  const p = problemSchema.safeParse(body);
  return new ApiError(res.status, p.success ? p.data.title : `HTTP ${res.status}`, p.success ? p.data.detail : undefined, body);
}

/**
 * Fetches JSON, turns problem+json answers into ApiError, and parses success with `schema`.
 * State-changing requests carry the session's CSRF value; a 401 on a page sends the user to sign in.
 */
export async function fetchJson<T>(url: string, source: SchemaSource<T>, init?: RequestInit, timeoutMs?: number): Promise<T> {
  const loading = typeof source === "function" ? source() : Promise.resolve(source);
  loading.catch(() => {}); // awaited below; a failed load must not surface as an unhandled rejection first
  const { res, json } = await send(url, init, timeoutMs);
  const body = await json();
  if (res.status === 204) return parseAnswer(await loading, undefined);
  if (!res.ok) throw await problemOf(res, body);
  return parseAnswer(await loading, body);
}

export type Conditional<T> = { changed: true; data: T; etag: string | null; serverTime: string | null } | { changed: false; serverTime: string | null };

/**
 * A GET that names the version the caller holds (If-None-Match): a 304 says it is still current
 * without a body. It also names the change stamps this tab heard (x-tickethub-heard), so that an
 * instance that has not seen them yet does not confirm the old version from memory. Sent with `cache: "no-store"` so the browser hands the 304 to us (its own cache
 * would answer with its stored copy, whose serverTime is old); the server's time comes in
 * x-server-time either way.
 */
export async function fetchJsonIfChanged<T>(url: string, source: SchemaSource<T>, etag: string | null, init?: RequestInit): Promise<Conditional<T>> {
  const loading = typeof source === "function" ? source() : Promise.resolve(source);
  loading.catch(() => {});
  const heard = heardStamps();
  const { res, json, discard } = await send(url, {
    ...init,
    cache: "no-store",
    headers: { ...init?.headers, ...(etag ? { "if-none-match": etag } : {}), ...(heard ? { [HEARD_HEADER]: heard } : {}) },
  });
  const serverTime = res.headers.get("x-server-time");
  if (res.status === 304 && etag) {
    await discard(); // no body; reading it ends the request cleanly
    return { changed: false, serverTime };
  }
  const body = await json();
  if (!res.ok) throw await problemOf(res, body);
  return { changed: true, data: parseAnswer(await loading, body), etag: res.headers.get("etag"), serverTime };
}

/** JSON body for a POST/PATCH/PUT. */
export const jsonBody = (method: string, body?: unknown): RequestInit => ({
  method,
  headers: { "content-type": "application/json" },
  ...(body === undefined ? {} : { body: JSON.stringify(body) }),
});

/** For answers whose body the caller ignores. */
export const anyAnswer = { parse: (x: unknown) => x };
