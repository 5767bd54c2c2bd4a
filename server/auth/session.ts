import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { CSRF_COOKIE, SESSION_COOKIE, isRole, type Role } from "@/lib/roles";
import { getConfig } from "../config";
import { getDb } from "../db";

export type SessionUser = { id: string; username: string; role: Role; sessionId: string; csrf: string };

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

/** The CSRF value bound to a session token: scripts echo it in x-csrf-token; other sites cannot read it. */
export function csrfFor(token: string): string {
  return createHash("sha256").update(`csrf:${token}`).digest("base64url");
}

export async function createSession(userId: string): Promise<{ token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString("base64url");
  // Wall-clock time: sessions belong to people, not to the (possibly simulated) vendor clock.
  const expiresAt = new Date(Date.now() + getConfig().sessionHours * 3_600_000);
  await getDb().session.create({ data: { tokenHash: sha256(token), userId, expiresAt } });
  // Expired sessions are swept now and then.
  if (Math.random() < 0.05) await getDb().session.deleteMany({ where: { expiresAt: { lt: new Date() } } });
  return { token, expiresAt };
}

export async function sessionFromToken(token: string | null | undefined): Promise<SessionUser | null> {
  if (!token || token.length > 200) return null;
  const s = await getDb().session.findUnique({ where: { tokenHash: sha256(token) }, include: { user: true } });
  if (!s || s.expiresAt.getTime() <= Date.now() || s.user.disabledAt || !isRole(s.user.role)) return null;
  return { id: s.user.id, username: s.user.username, role: s.user.role, sessionId: s.id, csrf: csrfFor(token) };
}

export async function endSession(sessionId: string): Promise<void> {
  await getDb().session.deleteMany({ where: { id: sessionId } });
}

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


