import "server-only";
import type { Role } from "@/lib/roles";
import type { UserView } from "@/lib/user-input";
import { getDb } from "../db";
import { hashPassword } from "./password";
import { toUserView } from "./users";

export class UserInputError extends Error {
  constructor(
    readonly status: number,
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

export async function listUsers(): Promise<UserView[]> {
  return (await getDb().user.findMany({ orderBy: { createdAt: "asc" } })).map(toUserView);
}

export async function createUser(input: { username: string; password: string; role: Role }, actor: string): Promise<UserView> {
  const db = getDb();
  if (await db.user.findUnique({ where: { username: input.username } })) throw new UserInputError(409, "username", "is taken");
  const user = await db.user.create({ data: { username: input.username, role: input.role, passwordHash: await hashPassword(input.password) } });
  await db.auditEvent.create({ data: { actor, action: "user.created", target: user.id, outcome: "ok", detail: `${user.username} (${user.role})` } });
  return toUserView(user);
}

/**
 * Changes a user's role, password or disabled state. Disabling or demoting ends their sessions'
 * power at once (roles are read per request); the last enabled admin cannot be demoted or disabled.
 */
export async function changeUser(id: string, change: { role?: Role; disabled?: boolean; password?: string }, actor: string): Promise<UserView | null> {
  const db = getDb();
  const user = await db.user.findUnique({ where: { id } });
  if (!user) return null;
  const losesAdmin = user.role === "admin" && !user.disabledAt && ((change.role !== undefined && change.role !== "admin") || change.disabled === true);
  const data: { role?: string; disabledAt?: Date | null; passwordHash?: string } = {};
  if (change.role !== undefined) data.role = change.role;
  if (change.disabled !== undefined) data.disabledAt = change.disabled ? (user.disabledAt ?? new Date()) : null;
  if (change.password !== undefined) data.passwordHash = await hashPassword(change.password);
  // The count and the change in one serializable transaction: two admins demoting each other at
  // the same moment must not both see "another admin is left". The loser of a conflict retries and
  // then sees the other's change.
  const updated = await serializable(db, async (tx) => {
    if (losesAdmin && (await tx.user.count({ where: { role: "admin", disabledAt: null } })) <= 1) {
      throw new UserInputError(409, change.role !== undefined ? "role" : "disabled", "would leave no enabled admin");
    }
    return tx.user.update({ where: { id }, data });
  });
  // A new password or a disabled account signs the user out everywhere.
  if (change.password !== undefined || change.disabled === true) await db.session.deleteMany({ where: { userId: id } });
  const what = [change.role !== undefined ? `role ${user.role} → ${change.role}` : null, change.disabled !== undefined ? (change.disabled ? "disabled" : "enabled") : null, change.password !== undefined ? "password reset" : null].filter(Boolean).join(", ");
  await db.auditEvent.create({ data: { actor, action: "user.changed", target: id, outcome: "ok", detail: `${user.username}: ${what}` } });
  return toUserView(updated);
}

type Tx = Parameters<Parameters<ReturnType<typeof getDb>["$transaction"]>[0]>[0];

/** Runs `fn` in a serializable transaction, retrying a few times when the database reports a conflict. */
async function serializable<T>(db: ReturnType<typeof getDb>, fn: (tx: Tx) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.$transaction(fn, { isolationLevel: "Serializable" });
    } catch (err) {
      const code = (err as { code?: string }).code;
      const conflict = code === "P2034" || /could not serialize|SQLITE_BUSY|database is locked/i.test((err as Error).message ?? "");
      if (!conflict || attempt >= 5) throw err;
      await new Promise((r) => setTimeout(r, 20 * attempt + Math.random() * 30));
    }
  }
}
