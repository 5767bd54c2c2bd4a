import { signInSchema } from "@/lib/user-input";
import { csrfProblem } from "@/server/http/guard";
import { clientAddress } from "@/server/auth/rate-limit";
import { signInLimiter, type Refusal } from "@/server/auth/sign-in-limiter";
import { createSession, sessionResponse } from "@/server/auth/session";
import { checkCredentials } from "@/server/auth/users";
import { getDb } from "@/server/db";
import { readJson } from "@/server/http/body";
import { internalError, invalidInput, problem } from "@/server/http/problem";

const tooMany = (r: Refusal) =>
  problem(
    429,
    r.reason === "address-rate" ? "Too many sign-in attempts" : "Too many failed sign-ins",
    `Wait ${r.retryAfterSeconds} s, then try again from this address.`,
    { field: r.reason === "pair-delay" ? "password" : "address", rule: r.reason },
    { "retry-after": String(r.retryAfterSeconds) },
  );

/**
 * POST /api/auth/signin {username, password} → a session cookie. Limits (sign-in-limiter.ts) are
 * per address: 429 with Retry-After for the address that is failing, never for the username as a whole.
 */
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
  const input = signInSchema.safeParse(raw);
  if (!input.success) return invalidInput(input.error, "body", ["username", "password"]);
  const name = input.data.username.toLowerCase();
  const address = clientAddress(req);
  // Before the password is hashed: a refused attempt costs no scrypt work.
  const refused = signInLimiter.admit(address, name);
  if (refused) return tooMany(refused);
  try {
    const user = await checkCredentials(input.data.username, input.data.password);
    const db = getDb();
    if (!user) {
      const attack = signInLimiter.fail(address, name);
      await db.auditEvent.create({ data: { actor: input.data.username.slice(0, 64), action: "user.signin", outcome: "failed: wrong username or password" } });
      if (attack) {
        console.warn(`[signin] ${attack.failures} failed sign-ins for "${attack.username}" from ${attack.addresses}+ addresses within ${attack.windowMinutes} min`);
        await db.auditEvent.create({
          data: {
            actor: "Ticket Hub",
            action: "user.signin.attack",
            target: attack.username.slice(0, 64),
            outcome: `failed: ${attack.failures} wrong passwords for ${attack.username} from ${attack.addresses} addresses within ${attack.windowMinutes} min`,
            detail: "Under attack: each failing address is slowed down on its own; the user can still sign in from an address that is not failing.",
          },
        });
      }
      return problem(401, "Wrong username or password", "Check both and try again.", { field: "password" });
    }
    signInLimiter.succeed(address, name);
    const session = await createSession(user.id);
    await db.auditEvent.create({ data: { actor: user.username, action: "user.signin", outcome: "signed in" } });
    return sessionResponse(req, { user: { username: user.username, role: user.role }, expiresAt: session.expiresAt.toISOString() }, 200, session);
  } catch (err) {
    return internalError(err, "POST /api/auth/signin");
  }
}
