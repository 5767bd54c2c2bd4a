import { signInSchema } from "@/lib/user-input";
import { csrfProblem } from "@/server/auth/guard";
import { clientAddress, limits } from "@/server/auth/rate-limit";
import { createSession, sessionResponse } from "@/server/auth/session";
import { checkCredentials } from "@/server/auth/users";
import { getDb } from "@/server/db";
import { internalError, invalidInput, problem } from "@/server/http/problem";

/** POST /api/auth/signin {username, password} → a session cookie; 5 failures per 15 min → 429. */
export async function POST(req: Request) {
  const crossSite = csrfProblem(req, null);
  if (crossSite) return crossSite;
  const raw: unknown = await req.json().catch(() => undefined);
  if (raw === undefined) return problem(400, "Invalid body", "body: must be a JSON object", { field: "body" });
  const input = signInSchema.safeParse(raw);
  if (!input.success) return invalidInput(input.error, "body", ["username", "password"]);
  const name = input.data.username.toLowerCase();
  const key = `${name}|${clientAddress(req)}`;
  const tooMany = (wait: { retryAfterSeconds: number }) =>
    problem(429, "Too many failed sign-ins", `Wait ${wait.retryAfterSeconds} s, then try again.`, {}, { "retry-after": String(wait.retryAfterSeconds) });
  // Checked before the password: while locked, even the right password is refused (no guessing on).
  const locked = limits.signIn.blocked(key) ?? limits.signInAnywhere.blocked(name);
  if (locked) return tooMany(locked);
  try {
    const user = await checkCredentials(input.data.username, input.data.password);
    if (!user) {
      limits.signIn.hit(key);
      limits.signInAnywhere.hit(name);
      await getDb().auditEvent.create({ data: { actor: input.data.username.slice(0, 64), action: "user.signin", outcome: "failed: wrong username or password" } });
      return problem(401, "Wrong username or password", "Check both and try again.", { field: "password" });
    }
    limits.signIn.reset(key);
    const session = await createSession(user.id);
    await getDb().auditEvent.create({ data: { actor: user.username, action: "user.signin", outcome: "signed in" } });
    return sessionResponse(req, { user: { username: user.username, role: user.role }, expiresAt: session.expiresAt.toISOString() }, 200, session);
  } catch (err) {
    return internalError(err, "POST /api/auth/signin");
  }
}
