import { z } from "zod";
import { passwordSchema, usernameSchema } from "@/lib/user-input";
import { setUpFirstAdmin } from "@/server/auth/sign-in";
import { readBody } from "@/server/http/input";
import { csrfProblem } from "@/server/http/guard";
import { internalError } from "@/server/http/problem";
import { sessionResponse } from "@/server/http/session-cookies";

const schema = z.object({ username: usernameSchema, password: passwordSchema }).strict();

/** POST /api/auth/setup {username, password}: creates the first admin, only while there are no users. */
export async function POST(req: Request) {
  const crossSite = csrfProblem(req, null);
  if (crossSite) return crossSite;
  try {
    // JSON only (415 otherwise): a cross-site form can post text/plain without a preflight.
    const input = await readBody(req, schema, { limit: 4 * 1024 });
    const { user, session } = await setUpFirstAdmin({ input });
    return sessionResponse(req, { user }, 201, session);
  } catch (err) {
    return internalError(err, "POST /api/auth/setup");
  }
}
