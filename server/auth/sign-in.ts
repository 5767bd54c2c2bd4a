import "server-only";
import { now } from "../clock";
import type { Role } from "@/lib/roles";
import { getDb, type Db } from "../db";
import { AppError } from "../errors";
import { hashPassword } from "./password";
import { createSession } from "./session";
import { signInLimiter } from "./sign-in-limiter";
import { checkCredentials, countUsers } from "./users";

type Started = { user: { username: string; role: Role }; session: { token: string; expiresAt: Date } };

/**
 * Signs a user in from `address`. Limits (sign-in-limiter.ts) are per address: a refusal names the
 * address that is failing, never the username as a whole, and comes before the password is hashed,
 * so a refused attempt costs no scrypt work. Failed attempts are audited as such.
 */
export async function signIn({ input, address }: { input: { username: string; password: string }; address: string }): Promise<Started> {
  const name = input.username.toLowerCase();
  const refused = signInLimiter.admit(address, name);
  if (refused) {
    throw new AppError(
      "too-many",
      refused.reason === "address-rate" ? "Too many sign-in attempts" : "Too many failed sign-ins",
      `Wait ${refused.retryAfterSeconds} s, then try again from this address.`,
      {
        extra: { field: refused.reason === "pair-delay" ? "password" : "address", rule: refused.reason },
        retryAfterSeconds: refused.retryAfterSeconds,
      },
    );
  }
  const user = await checkCredentials(input.username, input.password);
  const db = getDb();
  if (!user) {
    const attack = signInLimiter.fail(address, name);
    // Standalone (this one and the attack row): a failed sign-in changes nothing stored to join.
    await db.auditEvent.create({
      data: { at: now(), actor: input.username.slice(0, 64), action: "user.signin", outcome: "failed: wrong username or password" },
    });
    if (attack) {
      console.warn(
        `[signin] ${attack.failures} failed sign-ins for "${attack.username}" from ${attack.addresses}+ addresses within ${attack.windowMinutes} min`,
      );
      await db.auditEvent.create({
        data: {
          at: now(),
          actor: "Ticket Hub",
          action: "user.signin.attack",
          target: attack.username.slice(0, 64),
          outcome: `failed: ${attack.failures} wrong passwords for ${attack.username} from ${attack.addresses} addresses within ${attack.windowMinutes} min`,
          detail: "Under attack: each failing address is slowed down on its own; the user can still sign in from an address that is not failing.",
        },
      });
    }
    throw new AppError("unauthenticated", "Wrong username or password", "Check both and try again.", { extra: { field: "password" } });
  }
  signInLimiter.succeed(address, name);
  const session = await db.$transaction(async (tx) => {
    const started = await createSession(user.id, tx as Db);
    await tx.auditEvent.create({ data: { at: now(), actor: user.username, action: "user.signin", outcome: "signed in" } });
    return started;
  });
  return { user: { username: user.username, role: user.role }, session };
}

const alreadySetUp = () => new AppError("conflict", "Already set up", "An admin exists: sign in instead.");

/** The first run: creates the first admin (and signs them in), only while there are no users. */
export async function setUpFirstAdmin({ input }: { input: { username: string; password: string } }): Promise<Started> {
  // The cheap check first: on an installed instance this must cost no scrypt work.
  if ((await countUsers()) > 0) throw alreadySetUp();
  const passwordHash = await hashPassword(input.password);
  // Checked again in the transaction: two first-run requests may both have passed the count.
  const user = await getDb().$transaction(async (tx) => {
    if ((await tx.user.count()) > 0) return null;
    const created = await tx.user.create({ data: { username: input.username, role: "admin", passwordHash } });
    await tx.auditEvent.create({
      data: { at: now(), actor: created.username, action: "user.created", target: created.username, outcome: "first admin created on the first-run screen" },
    });
    return created;
  });
  if (!user) throw alreadySetUp();
  return { user: { username: user.username, role: "admin" }, session: await createSession(user.id) };
}
