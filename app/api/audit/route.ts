import { z } from "zod";
import { guarded } from "@/server/http/guard";
import { readQuery } from "@/server/http/input";
import { json } from "@/server/http/problem";
import { sessionToken } from "@/server/http/session-cookies";
import { now } from "@/server/clock";
import { auditListAnswer, auditListMemo } from "@/server/live/audit-list";
import { heardOf } from "@/server/live/changes";
import { matchesEtag } from "@/server/http/etag";
import { recentlyConfirmedRole } from "@/server/live/session-memo";
import { unchangedMemoEtag } from "@/server/live/topic-memo";
import { numberIn } from "@/lib/number-rule";

const querySchema = z
  .object({
    limit: numberIn(1, 500, "must be a whole number from 1 to 500", { int: true, coerce: true }).default(100),
    target: z
      .string()
      .regex(/^[a-z0-9]{1,64}$/i, { error: "must be an id (letters and digits)" })
      .optional(),
  })
  .strict();

// `no-cache`: the browser may keep the log but asks every time; the dashboard sends If-None-Match
// itself and reads the server's time from x-server-time on a 304.
const headers = (etag: string) => ({ etag, "cache-control": "private, no-cache", "x-server-time": now().toISOString() });

// guarded's session check records the session as confirmed (auth/session.ts), for the 304 below.
const full = guarded("viewer", "GET /api/audit", async (req: Request) => {
  const { etag, answer } = await auditListAnswer(readQuery(req, querySchema), heardOf(req));
  if (matchesEtag(req.headers.get("if-none-match"), etag)) return new Response(null, { status: 304, headers: headers(etag) });
  return json({ serverTime: now().toISOString(), events: answer }, { headers: headers(etag) });
});

/**
 * GET /api/audit?limit=100&target=<id>: manual actions, newest first, with an ETag of the events.
 * `If-None-Match` naming the current ones → 304 from memory (no database query) when the session
 * was confirmed within the last minute and the audit stamp says no row was added
 * (server/live/topic-memo.ts); otherwise the session, the query and the log are read as usual.
 */
export async function GET(req: Request, ctx: unknown): Promise<Response> {
  const ifNoneMatch = req.headers.get("if-none-match");
  if (ifNoneMatch && recentlyConfirmedRole(sessionToken(req))) {
    const query = querySchema.safeParse(Object.fromEntries(new URL(req.url).searchParams));
    const memo = query.success ? auditListMemo(query.data) : null;
    const etag = memo ? unchangedMemoEtag(ifNoneMatch, memo.key, memo.topics, heardOf(req)) : null;
    if (etag) return new Response(null, { status: 304, headers: headers(etag) });
  }
  return full(req, ctx);
}
