import "server-only";
import { now } from "../clock";
import { createHash, randomBytes } from "node:crypto";
import { isRole, type Role } from "@/lib/roles";
import { getConfig } from "../config";
import { getDb, type Db } from "../db";
import { sessionConfirmed, sessionGone } from "../live/session-memo";

export type SessionUser = { id: string; username: string; role: Role; sessionId: string; csrf: string };

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

/** The CSRF value bound to a session token: scripts echo it in x-csrf-token; other sites cannot read it. */
export function csrfFor(token: string): string {
  return createHash("sha256").update(`csrf:${token}`).digest("base64url");
}

/** `db` may be a transaction, so that the session and the audit row of a sign-in are written together. */
export async function createSession(userId: string, db: Db = getDb()): Promise<{ token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString("base64url");
  // Wall-clock time: sessions belong to people, not to the (possibly simulated) vendor clock.
  const expiresAt = new Date(Date.now() + getConfig().sessionHours * 3_600_000);
  await db.session.create({ data: { tokenHash: sha256(token), userId, expiresAt } });
  // Expired sessions are swept now and then.
  if (Math.random() < 0.05) await db.session.deleteMany({ where: { expiresAt: { lt: new Date() } } });
  return { token, expiresAt };
}

export async function sessionFromToken(token: string | null | undefined): Promise<SessionUser | null> {
  if (!token || token.length > 200) return null;
  const s = await getDb().session.findUnique({ where: { tokenHash: sha256(token) }, include: { user: true } });
  return judged(token, s);
}

type StoredSession = { id: string; expiresAt: Date; user: { id: string; username: string; role: string; disabledAt: Date | null } };

/** A stored session (or none) as the signed-in user, or null when it is gone, expired or its user disabled or of no role. */
function judged(token: string, s: StoredSession | null): SessionUser | null {
  if (!s || s.expiresAt.getTime() <= Date.now() || s.user.disabledAt || !isRole(s.user.role)) {
    sessionGone(token);
    return null;
  }
  // Whatever asked (a page, an API call, the change stream), the database has just confirmed it: a
  // stream that must reconnect during an outage right after is still let in (session-memo.ts).
  sessionConfirmed(token, s.user.role);
  return { id: s.user.id, username: s.user.username, role: s.user.role, sessionId: s.id, csrf: csrfFor(token) };
}

/**
 * sessionFromToken for many tokens in one findMany (the change streams' periodic checks: one query
 * for every open browser, not one each): each token's user, or null, as sessionFromToken would say.
 */
export async function sessionsFromTokens(tokens: readonly string[]): Promise<Map<string, SessionUser | null>> {
  const out = new Map<string, SessionUser | null>();
  const asked = new Map<string, string>();
  for (const token of tokens) {
    if (token.length > 200) out.set(token, null);
    else asked.set(sha256(token), token);
  }
  if (asked.size === 0) return out;
  const found = await getDb().session.findMany({ where: { tokenHash: { in: [...asked.keys()] } }, include: { user: true } });
  const byHash = new Map(found.map((s) => [s.tokenHash, s]));
  for (const [hash, token] of asked) out.set(token, judged(token, byHash.get(hash) ?? null));
  return out;
}

/** Ends a session and records the sign-out, together. */
export async function signOut({ actor }: { actor: Pick<SessionUser, "sessionId" | "username"> }): Promise<void> {
  const db = getDb();
  await db.$transaction([
    db.session.deleteMany({ where: { id: actor.sessionId } }),
    db.auditEvent.create({ data: { at: now(), actor: actor.username, action: "user.signout", outcome: "signed out" } }),
  ]);
}
