import { signInSchema } from "@/lib/user-input";
import { clientAddress } from "@/server/http/front-door";
import { signIn } from "@/server/auth/sign-in";
import { readBody } from "@/server/http/input";
import { csrfProblem } from "@/server/http/guard";
import { internalError } from "@/server/http/problem";
import { sessionResponse } from "@/server/http/session-cookies";

/**
 * POST /api/auth/signin {username, password} → a session cookie. Limits (sign-in-limiter.ts) are
 * per address: 429 with Retry-After for the address that is failing, never for the username as a whole.
 */
export async function POST(req: Request) {
  const crossSite = csrfProblem(req, null);
  if (crossSite) return crossSite;
  try {
    // JSON only (415 otherwise): a cross-site form can post text/plain without a preflight.
    const input = await readBody(req, signInSchema, { limit: 4 * 1024 });
    const { user, session } = await signIn({ input, address: clientAddress(req) });
    return sessionResponse(req, { user, expiresAt: session.expiresAt.toISOString() }, 200, session);
  } catch (err) {
    return internalError(err, "POST /api/auth/signin");
  }
}
