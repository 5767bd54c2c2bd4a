// Signing in for the e2e tests, the way the dashboard does it: POST /api/auth/signin with one of
// the demo accounts (seeded because the test stacks run in demo mode).
import type { Page } from "@playwright/test";
import { DEMO_ACCOUNTS } from "../../lib/demo-accounts";
import type { Role } from "../../lib/roles";

export function account(role: Role) {
  const a = DEMO_ACCOUNTS.find((x) => x.role === role);
  if (!a) throw new Error(`no demo account for ${role}`);
  return a;
}

export type ApiSession = { cookie: string; csrf: string; fetch: (path: string, init?: RequestInit) => Promise<Response> };

const sessions = new Map<string, Promise<ApiSession>>();

/** Signs in over HTTP and returns a fetch that sends the session cookie and the CSRF header. */
export async function apiSession(baseUrl: string, role: Role = "admin", fresh = false): Promise<ApiSession> {
  const key = `${baseUrl}|${role}`;
  if (!fresh && sessions.has(key)) return sessions.get(key)!;
  const made = (async () => {
    const { username, password } = account(role);
    const res = await fetch(`${baseUrl}/api/auth/signin`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username, password }),
    });
    if (!res.ok) throw new Error(`sign-in as ${username} failed: ${res.status} ${await res.text()}`);
    const jar = Object.fromEntries(res.headers.getSetCookie().map((c) => c.split(";")[0]!.split("=") as [string, string]));
    const cookie = `th_session=${jar.th_session}; th_csrf=${jar.th_csrf}`;
    const csrf = jar.th_csrf!;
    return {
      cookie,
      csrf,
      fetch: (path: string, init: RequestInit = {}) =>
        fetch(`${baseUrl}${path}`, {
          ...init,
          headers: {
            cookie,
            "x-csrf-token": csrf,
            ...(init.body ? { "content-type": "application/json" } : {}),
            ...(init.headers as Record<string, string> | undefined),
          },
        }),
    };
  })();
  sessions.set(key, made);
  made.catch(() => sessions.delete(key));
  return made;
}

/** fetch() against a Ticket Hub API as a signed-in user (admin unless said otherwise). */
export async function api(baseUrl: string, path: string, init?: RequestInit, role: Role = "admin"): Promise<Response> {
  return (await apiSession(baseUrl, role)).fetch(path, init);
}

const signedInAt = new WeakMap<Page, string>();

/** Signs the page's browser context in (once per Ticket Hub origin), then navigates like page.goto. */
export async function gotoSignedIn(page: Page, url: string, role: Role = "admin") {
  const origin = new URL(url).origin;
  if (signedInAt.get(page) !== `${origin}|${role}`) {
    await signInContext(page, origin, role);
    signedInAt.set(page, `${origin}|${role}`);
  }
  return page.goto(url);
}

/** Puts a fresh session for `role` into the page's cookie jar (the browser and its API requests share it). */
export async function signInContext(page: Page, origin: string, role: Role) {
  const { username, password } = account(role);
  const res = await page.context().request.post(`${origin}/api/auth/signin`, { data: { username, password } });
  if (!res.ok()) throw new Error(`sign-in as ${username} failed: ${res.status()} ${await res.text()}`);
}

type Like = {
  status: () => number;
  ok: () => boolean;
  // biome-ignore lint/suspicious/noExplicitAny: Playwright's APIResponse.json() is typed any
  json: () => Promise<any>;
  text: () => Promise<string>;
  headers: () => Record<string, string>;
};
type Opts = { data?: unknown; headers?: Record<string, string> };
export type AuthedRequest = Record<"get" | "post" | "put" | "patch" | "delete", (url: string, opts?: Opts) => Promise<Like>>;

/**
 * A stand-in for Playwright's `request` fixture that is signed in (admin unless said otherwise):
 * the same get/post/… calls and answers, with the session cookie and the CSRF header.
 */
export async function authedRequest(baseUrl: string, role: Role = "admin"): Promise<AuthedRequest> {
  const s = await apiSession(baseUrl, role);
  const call =
    (method: string) =>
    async (url: string, opts: Opts = {}): Promise<Like> => {
      const body = opts.data === undefined ? undefined : typeof opts.data === "string" ? opts.data : JSON.stringify(opts.data);
      const res = await fetch(url, {
        method,
        body,
        headers: { cookie: s.cookie, "x-csrf-token": s.csrf, ...(body !== undefined ? { "content-type": "application/json" } : {}), ...opts.headers },
      });
      const text = await res.text();
      return {
        status: () => res.status,
        ok: () => res.ok,
        json: async () => JSON.parse(text),
        text: async () => text,
        headers: () => Object.fromEntries(res.headers),
      };
    };
  return { get: call("GET"), post: call("POST"), put: call("PUT"), patch: call("PATCH"), delete: call("DELETE") };
}
