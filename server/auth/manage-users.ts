import "server-only";
import { now } from "../clock";
import type { Role } from "@/lib/roles";
import type { UserView } from "@/lib/user-input";
import { getDb } from "../db";
import { AppError, notFound } from "../errors";
import { hashPassword } from "./password";
import { toUserView } from "./users";

/** A user change refused: `title` differs between creating ("Invalid user") and changing ("Invalid change"). */
export class UserInputError extends AppError {
  constructor(kind: "invalid" | "conflict", title: string, field: string, message: string) {
    super(kind, title, message, { field });
  }
}

export async function listUsers(): Promise<UserView[]> {
  return (await getDb().user.findMany({ orderBy: { createdAt: "asc" } })).map(toUserView);
}

export async function createUser({ input, actor }: { input: { username: string; password: string; role: Role }; actor: string }): Promise<UserView> {
  const db = getDb();
  if (await db.user.findUnique({ where: { username: input.username } })) throw new UserInputError("conflict", "Invalid user", "username", "is taken");
  const passwordHash = await hashPassword(input.password);
  const user = await db.$transaction(async (tx) => {
    const created = await tx.user.create({ data: { username: input.username, role: input.role, passwordHash } });
    await tx.auditEvent.create({
      data: { at: now(), actor, action: "user.created", target: created.id, outcome: "ok", detail: `${created.username} (${created.role})` },
    });
    return created;
  });
  return toUserView(user);
}

/**
 * Changes a user's role, password or disabled state. Disabling or demoting ends their sessions'
 * power at once (roles are read per request); the last enabled admin cannot be demoted or disabled.
 */
export async function changeUser({
  id,
  input: change,
  actor,
}: {
  id: string;
  input: { role?: Role; disabled?: boolean; password?: string };
  actor: string;
}): Promise<UserView> {
  const db = getDb();
  const user = await db.user.findUnique({ where: { id } });
  if (!user) throw notFound("user", id);
  const losesAdmin = user.role === "admin" && !user.disabledAt && ((change.role !== undefined && change.role !== "admin") || change.disabled === true);
  const data: { role?: string; disabledAt?: Date | null; passwordHash?: string } = {};
  if (change.role !== undefined) data.role = change.role;
  if (change.disabled !== undefined) data.disabledAt = change.disabled ? (user.disabledAt ?? new Date()) : null;
  if (change.password !== undefined) data.passwordHash = await hashPassword(change.password);
  const what = [
    change.role !== undefined ? `role ${user.role} → ${change.role}` : null,
    change.disabled !== undefined ? (change.disabled ? "disabled" : "enabled") : null,
    change.password !== undefined ? "password reset" : null,
  ]
    .filter(Boolean)
    .join(", ");
  // The count and the change in one serializable transaction: two admins demoting each other at
  // the same moment must not both see "another admin is left". The loser of a conflict retries and
  // then sees the other's change. The audit row is written in the same transaction.
  const updated = await serializable(db, async (tx) => {
    if (losesAdmin && (await tx.user.count({ where: { role: "admin", disabledAt: null } })) <= 1) {
      throw new UserInputError("conflict", "Invalid change", change.role !== undefined ? "role" : "disabled", "would leave no enabled admin");
    }
    const row = await tx.user.update({ where: { id }, data });
    // A new password or a disabled account signs the user out everywhere.
    if (change.password !== undefined || change.disabled === true) await tx.session.deleteMany({ where: { userId: id } });
    await tx.auditEvent.create({ data: { at: now(), actor, action: "user.changed", target: id, outcome: "ok", detail: `${user.username}: ${what}` } });
    return row;
  });
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
