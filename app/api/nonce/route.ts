import { z } from "zod";
import { guarded } from "@/server/http/guard";
import { readBody, readQuery } from "@/server/http/input";
import { limits } from "@/server/auth/rate-limit";
import { now } from "@/server/clock";
import { json, problem } from "@/server/http/problem";
import { issueNonce, recentNonces } from "@/server/nonce/nonce-desk";
import { numberIn } from "@/lib/number-rule";
import { NONCE_LIST_LIMIT } from "@/lib/nonce-view";

const listQuery = z
  .object({
    limit: numberIn(1, 200, "must be a whole number from 1 to 200", { int: true, coerce: true }).default(NONCE_LIST_LIMIT),
  })
  .strict();

// user_id is checked by the shared FaceID rule inside issueNonce, so its message is the vendor doc's.
const issueBody = z
  .object({
    appRef: z.string({ error: "is required" }).regex(/^[a-z0-9]{1,64}$/i, { error: "must be an app id (letters and digits)" }),
    userId: z.string({ error: (iss) => (iss.input === undefined ? "user_id is required" : "user_id must be a string") }),
  })
  .strict();

/** GET /api/nonce?limit=30: recently issued NONCE tickets, newest first, values masked. */
export const GET = guarded("operator", "GET /api/nonce", async (req: Request, _ctx: unknown, _user) => {
  const { limit } = readQuery(req, listQuery);
  return json({ serverTime: now().toISOString(), nonces: await recentNonces(limit) });
});

/** POST /api/nonce {appRef, userId} → 201 with the new ticket's value (shown once). */
export const POST = guarded("operator", "POST /api/nonce", async (req: Request, _ctx: unknown, user) => {
  const body = await readBody(req, issueBody);
  const wait = limits.nonce.hit(user.username);
  if (wait)
    return problem(
      429,
      "Too many NONCE tickets",
      `At most ${limits.nonce.limit} a minute; wait ${wait.retryAfterSeconds} s.`,
      {},
      { "retry-after": String(wait.retryAfterSeconds) },
    );
  const issued = await issueNonce({ input: body, actor: user.username });
  return json({ ...issued, serverTime: now().toISOString() }, { status: 201 });
});
