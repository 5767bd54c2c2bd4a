import "server-only";
import { CSRF_COOKIE, SESSION_COOKIE } from "@/lib/roles";
import { csrfFor } from "../auth/session";

export function readCookie(header: string | null, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return null;
      }
    }
  }
  return null;
}

export function sessionToken(req: Request): string | null {
  return readCookie(req.headers.get("cookie"), SESSION_COOKIE);
}

function isHttps(req: Request): boolean {
  return req.headers.get("x-forwarded-proto") === "https" || new URL(req.url).protocol === "https:";
}

/** Set-Cookie values for a new session: the token is HttpOnly; the CSRF value is readable by our scripts. */
export function sessionCookies(req: Request, token: string, expiresAt: Date): string[] {
  const common = `Path=/; Expires=${expiresAt.toUTCString()}; SameSite=Lax${isHttps(req) ? "; Secure" : ""}`;
  return [`${SESSION_COOKIE}=${token}; HttpOnly; ${common}`, `${CSRF_COOKIE}=${csrfFor(token)}; ${common}`];
}

/** A JSON answer that starts a session: the body, and the session's cookies. */
export function sessionResponse(req: Request, body: unknown, status: number, session: { token: string; expiresAt: Date }): Response {
  const headers = new Headers({ "content-type": "application/json", "cache-control": "no-store" });
  for (const c of sessionCookies(req, session.token, session.expiresAt)) headers.append("set-cookie", c);
  return new Response(JSON.stringify(body), { status, headers });
}

export function clearedCookies(): string[] {
  const gone = "Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; SameSite=Lax";
  return [`${SESSION_COOKIE}=; HttpOnly; ${gone}`, `${CSRF_COOKIE}=; ${gone}`];
}
