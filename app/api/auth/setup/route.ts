import { z } from "zod";
import { passwordSchema, usernameSchema } from "@/lib/user-input";
import { csrfProblem } from "@/server/auth/guard";
import { hashPassword } from "@/server/auth/password";
import { createSession, sessionResponse } from "@/server/auth/session";
import { getDb } from "@/server/db";
import { internalError, invalidInput, problem } from "@/server/http/problem";

const schema = z.object({ username: usernameSchema, password: passwordSchema }).strict();

/** POST /api/auth/setup {username, password}: creates the first admin, only while there are no users. */
export async function POST(req: Request) {
  const crossSite = csrfProblem(req, null);
  if (crossSite) return crossSite;
  const raw: unknown = await req.json().catch(() => undefined);
  if (raw === undefined) return problem(400, "Invalid body", "body: must be a JSON object", { field: "body" });
  const input = schema.safeParse(raw);
  if (!input.success) return invalidInput(input.error, "body", ["username", "password"]);
  try {
    const db = getDb();
    const passwordHash = await hashPassword(input.data.password);
    const user = await db.$transaction(async (tx) => {
      if ((await tx.user.count()) > 0) return null;
      return tx.user.create({ data: { username: input.data.username, role: "admin", passwordHash } });
    });
    if (!user) return problem(409, "Already set up", "An admin exists: sign in instead.");
    await db.auditEvent.create({ data: { actor: user.username, action: "user.created", target: user.username, outcome: "first admin created on the first-run screen" } });
    return sessionResponse(req, { user: { username: user.username, role: "admin" } }, 201, await createSession(user.id));
  } catch (err) {
    return internalError(err, "POST /api/auth/setup");
  }
}
