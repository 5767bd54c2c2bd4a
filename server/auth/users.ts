import "server-only";
import type { Db as FullDb } from "../db";
import { DEMO_ACCOUNTS } from "@/lib/demo-accounts";
import { isRole, type Role } from "@/lib/roles";
import type { UserView } from "@/lib/user-input";
import { getDb } from "../db";
import { dummyHash, hashPassword, verifyPassword } from "./password";

type Db = Pick<FullDb, "user">;

/**
 * Users that must exist at start: the demo accounts in demo mode, and the first admin from
 * TICKETHUB_ADMIN_USERNAME / TICKETHUB_ADMIN_PASSWORD. Existing users are never changed.
 */
export async function seedUsers(db: Db, opts: { demo: boolean; firstAdmin: { username: string; password: string } | null }): Promise<string[]> {
  const wanted: { username: string; password: string; role: Role }[] = [];
  if (opts.demo) wanted.push(...DEMO_ACCOUNTS);
  if (opts.firstAdmin) wanted.push({ ...opts.firstAdmin, role: "admin" });
  const created: string[] = [];
  for (const u of wanted) {
    if (await db.user.findUnique({ where: { username: u.username } })) continue;
    try {
      await db.user.create({ data: { username: u.username, role: u.role, passwordHash: await hashPassword(u.password) } });
      created.push(u.username);
    } catch {
      // Another instance created it at the same moment.
    }
  }
  return created;
}

export async function countUsers(): Promise<number> {
  return getDb().user.count();
}

/** The user for these credentials, or null; costs the same time whether or not the user exists. */
export async function checkCredentials(username: string, password: string) {
  const user = await getDb().user.findUnique({ where: { username } });
  if (!user) {
    await verifyPassword(password, await dummyHash());
    return null;
  }
  const ok = await verifyPassword(password, user.passwordHash);
  return ok && !user.disabledAt && isRole(user.role) ? { ...user, role: user.role } : null;
}

export function toUserView(u: { id: string; username: string; role: string; disabledAt: Date | null; createdAt: Date }): UserView {
  return { id: u.id, username: u.username, role: isRole(u.role) ? u.role : "viewer", disabled: !!u.disabledAt, createdAt: u.createdAt.toISOString() };
}
