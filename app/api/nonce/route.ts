import { z } from "zod";
import { guarded } from "@/server/http/guard";
import { readBody, readQuery } from "@/server/http/input";
import { limits } from "@/server/auth/rate-limit";
import { now } from "@/server/clock";
import { json, problem } from "@/server/http/problem";
import { sessionToken } from "@/server/http/session-cookies";
import { matchesEtag } from "@/server/http/etag";
import { heardOf } from "@/server/live/changes";
import { nonceListAnswer, nonceListMemo } from "@/server/live/nonce-list";
import { recentlyConfirmedRole } from "@/server/live/session-memo";
import { unchangedMemoEtag } from "@/server/live/topic-memo";
import { issueNonce } from "@/server/nonce/nonce-desk";
import { numberIn } from "@/lib/number-rule";
import { NONCE_LIST_LIMIT } from "@/lib/nonce-view";
import { roleAllows } from "@/lib/roles";

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

// `no-cache`: the browser may keep the list but asks every time; the desk sends If-None-Match itself
// and reads the server's time from x-server-time on a 304.
const headers = (etag: string) => ({ etag, "cache-control": "private, no-cache", "x-server-time": now().toISOString() });

// guarded's session check records the session as confirmed (auth/session.ts), for the 304 below.
const full = guarded("operator", "GET /api/nonce", async (req: Request) => {
  const { etag, answer } = await nonceListAnswer(readQuery(req, listQuery).limit, heardOf(req));
  if (matchesEtag(req.headers.get("if-none-match"), etag)) return new Response(null, { status: 304, headers: headers(etag) });
  return json({ serverTime: now().toISOString(), nonces: answer }, { headers: headers(etag) });
});

/**
 * GET /api/nonce?limit=30: recently issued NONCE tickets, newest first, values masked, with an ETag.
 * `If-None-Match` naming the current list → 304 from memory (no database query) when an operator's
 * session was confirmed within the last minute and the change stamps say nothing changed
 * (server/live/topic-memo.ts), as GET /api/audit does; otherwise the session and the list are read.
 */
export async function GET(req: Request, ctx: unknown): Promise<Response> {
  const ifNoneMatch = req.headers.get("if-none-match");
  const role = ifNoneMatch ? recentlyConfirmedRole(sessionToken(req)) : null;
  if (role && roleAllows(role, "operator")) {
    const query = listQuery.safeParse(Object.fromEntries(new URL(req.url).searchParams));
    const memo = query.success ? nonceListMemo(query.data.limit) : null;
    const etag = memo ? unchangedMemoEtag(ifNoneMatch, memo.key, memo.topics, heardOf(req)) : null;
    if (etag) return new Response(null, { status: 304, headers: headers(etag) });
  }
  return full(req, ctx);
}

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
