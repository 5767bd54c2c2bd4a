import "server-only";
import { CSRF_HEADER, roleAllows, type Role } from "@/lib/roles";
import { sessionFromToken, type SessionUser } from "../auth/session";
import { sessionToken } from "./session-cookies";
import { AppError } from "../errors";
import { appErrorResponse, internalError } from "./problem";

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * This dashboard's own origin as the browser sees it. X-Forwarded-Host/-Proto reach this point only
 * from a trusted proxy (the front door drops them from anyone else, and Next then sets them from
 * the socket), so they can be believed here.
 */
function ownOrigin(req: Request): string | null {
  const first = (name: string) => req.headers.get(name)?.split(",")[0]?.trim() || null;
  const host = first("x-forwarded-host") ?? first("host");
  if (!host) return null;
  const proto = first("x-forwarded-proto") === "https" ? "https" : "http";
  return `${proto}://${host}`.toLowerCase();
}

/**
 * Whether a state-changing request comes from our own pages: an Origin (when the browser sends
 * one) equal to this dashboard's origin, scheme and port included, and the session's CSRF value
 * echoed in x-csrf-token. `Origin: null` (a sandboxed frame, a data: page) is refused: it is how a
 * cross-site form hides where it comes from.
 */
function csrfRefusal(req: Request, user: Pick<SessionUser, "csrf"> | null): AppError | null {
  if (SAFE.has(req.method)) return null;
  const origin = req.headers.get("origin");
  if (origin !== null) {
    let sent: string | null = null;
    try {
      sent = origin === "null" ? null : new URL(origin).origin.toLowerCase();
    } catch {
      sent = null;
    }
    if (!sent || sent !== ownOrigin(req))
      return new AppError("forbidden", "Cross-site request refused", `${origin.slice(0, 200)} is not this dashboard`, { field: "origin" });
  }
  if (user && req.headers.get(CSRF_HEADER) !== user.csrf) {
    return new AppError("forbidden", "CSRF check failed", `${CSRF_HEADER}: must carry the value of the th_csrf cookie (sign in again if it is missing)`);
  }
  return null;
}

/** The CSRF/Origin check alone, for the forms that post before there is a session (sign-in, first run). */
export function csrfProblem(req: Request, user: Pick<SessionUser, "csrf"> | null): Response | null {
  const refused = csrfRefusal(req, user);
  return refused ? appErrorResponse(refused) : null;
}

/**
 * The signed-in user with at least `need`, CSRF checked on state-changing methods; otherwise
 * throws (an AppError for a missing session or role, the CSRF problem as it is).
 */
export async function authenticate(req: Request, need: Role): Promise<SessionUser> {
  const user = await sessionFromToken(sessionToken(req));
  if (!user) throw new AppError("unauthenticated", "Sign in required", "Sign in to the dashboard first: your session is missing or has expired.");
  if (!roleAllows(user.role, need)) {
    throw new AppError("forbidden", "Not allowed", `This needs the ${need} role; ${user.username} is ${user.role === "admin" ? "an" : "a"} ${user.role}.`, {
      extra: { needs: need, role: user.role },
    });
  }
  const refused = csrfRefusal(req, user);
  if (refused) throw refused;
  return user;
}

/**
 * A dashboard route handler that runs only for a signed-in user with at least `need`, with CSRF
 * checked on state-changing methods; anything unexpected becomes a 500 problem without a stack.
 */
export function guarded<C>(need: Role, where: string, handler: (req: Request, ctx: C, user: SessionUser) => Promise<Response>) {
  return async (req: Request, ctx: C): Promise<Response> => {
    try {
      return await handler(req, ctx, await authenticate(req, need));
    } catch (err) {
      return internalError(err, where);
    }
  };
}
