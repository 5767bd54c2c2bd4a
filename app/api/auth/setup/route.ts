import { z } from "zod";
import { passwordSchema, usernameSchema } from "@/lib/user-input";
import { csrfProblem } from "@/server/http/guard";
import { hashPassword } from "@/server/auth/password";
import { createSession, sessionResponse } from "@/server/auth/session";
import { countUsers } from "@/server/auth/users";
import { getDb } from "@/server/db";
import { readJson } from "@/server/http/body";
import { internalError, invalidInput, problem } from "@/server/http/problem";

const schema = z.object({ username: usernameSchema, password: passwordSchema }).strict();

/** POST /api/auth/setup {username, password}: creates the first admin, only while there are no users. */
export async function POST(req: Request) {
  const crossSite = csrfProblem(req, null);
  if (crossSite) return crossSite;
  // JSON only (415 otherwise): a cross-site form can post text/plain without a preflight.
  let raw: unknown;
  try {
    raw = await readJson(req, 4 * 1024);
  } catch (err) {
    return internalError(err, "reading the body");
  }
  const input = schema.safeParse(raw);
  if (!input.success) return invalidInput(input.error, "body", ["username", "password"]);
  const alreadySetUp = () => problem(409, "Already set up", "An admin exists: sign in instead.");
  try {
    // The cheap check first: on an installed instance this endpoint must cost no scrypt work.
    if ((await countUsers()) > 0) return alreadySetUp();
    const db = getDb();
    const passwordHash = await hashPassword(input.data.password);
    // Checked again in the transaction: two first-run requests may both have passed the count.
    const user = await db.$transaction(async (tx) => {
      if ((await tx.user.count()) > 0) return null;
      return tx.user.create({ data: { username: input.data.username, role: "admin", passwordHash } });
    });
    if (!user) return alreadySetUp();
    await db.auditEvent.create({ data: { actor: user.username, action: "user.created", target: user.username, outcome: "first admin created on the first-run screen" } });
    return sessionResponse(req, { user: { username: user.username, role: "admin" } }, 201, await createSession(user.id));
  } catch (err) {
    return internalError(err, "POST /api/auth/setup");
  }
}
