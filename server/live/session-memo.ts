import "server-only";
import { createHash } from "node:crypto";
import type { Role } from "@/lib/roles";
import { processSingleton } from "../process-state";

/**
 * Sessions the database confirmed recently, by token hash: lets an answer that carries no data
 * (`304 Not Modified` on the credential list, to a client that already holds exactly the current
 * list) skip the session query. Anything that sends data checks the session in the database, and
 * re-confirms it here. A session ended elsewhere (sign-out on another instance, a disabled user)
 * may thus still hear "unchanged" for up to MEMO_MS, never a value.
 *
 * The dashboard's event stream re-checks its session every 30 s, so an open tab keeps its entry
 * fresh and its slow safety refetch of the list costs no query at all.
 */
export const MEMO_MS = 60_000;
const MAX_ENTRIES = 10_000;

type Entry = { role: Role; confirmedAt: number };
const memo = () => processSingleton("tickethubSessionMemo", () => new Map<string, Entry>());
const hash = (token: string) => createHash("sha256").update(token).digest("base64url");

/** The database just confirmed this session token belongs to a user with `role`. */
export function sessionConfirmed(token: string | null, role: Role): void {
  if (!token) return;
  const m = memo();
  if (m.size >= MAX_ENTRIES) {
    const cutoff = Date.now() - MEMO_MS;
    for (const [k, e] of m) if (e.confirmedAt < cutoff) m.delete(k);
    if (m.size >= MAX_ENTRIES) m.clear();
  }
  m.set(hash(token), { role, confirmedAt: Date.now() });
}

/** The session token is gone (signed out, expired, disabled): forget it at once. */
export function sessionGone(token: string | null): void {
  if (token) memo().delete(hash(token));
}

/** The role of a session the database confirmed within MEMO_MS, or null (then ask the database). */
export function recentlyConfirmedRole(token: string | null): Role | null {
  if (!token || token.length > 200) return null;
  const e = memo().get(hash(token));
  return e && Date.now() - e.confirmedAt <= MEMO_MS ? e.role : null;
}

/**
 * The role of a session this process confirmed shortly (MEMO_MS) before the database stopped
 * answering at `downSince` (ms), or null. Only for the change stream, which carries no data (stamps,
 * pings): a tab whose stream must reconnect during an outage keeps hearing that the database is down
 * instead of "the server has not answered". A sign-out elsewhere cannot be recorded meanwhile either;
 * one here forgets the entry at once (sessionGone).
 */
export function roleConfirmedBefore(token: string | null, downSince: number): Role | null {
  if (!token || token.length > 200) return null;
  const e = memo().get(hash(token));
  return e && e.confirmedAt >= downSince - MEMO_MS ? e.role : null;
}
