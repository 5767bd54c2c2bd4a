import { z } from "zod";
import { guarded } from "@/server/http/guard";
import { type IdContext, readQuery, routeId } from "@/server/http/input";
import { json } from "@/server/http/problem";
import { matchesEtag } from "@/server/http/etag";
import { credentialHistory, historyEtag } from "@/server/tickets/history";
import { numberIn } from "@/lib/number-rule";

const querySchema = z
  .object({
    limit: numberIn(1, 500, "must be a whole number from 1 to 500", { int: true, coerce: true }).default(100),
    before: z.iso.datetime({ error: "must be an ISO 8601 time such as 2026-11-22T08:00:00Z" }).optional(),
  })
  .strict();

// `no-cache`: the browser may keep the history but asks every time; the page sends If-None-Match
// itself and reads the server's time from x-server-time on a 304.
const headers = (etag: string, serverTime: string) => ({ etag, "cache-control": "private, no-cache", "x-server-time": serverTime });

/**
 * GET /api/credentials/:id/history?limit=100&before=<ISO time>: versions and upstream calls, newest
 * first, with an ETag of what they show; `If-None-Match` naming it → 304 without a body.
 */
export const GET = guarded("viewer", "GET /api/credentials/:id/history", async (req: Request, ctx: IdContext, _user) => {
  const credentialId = await routeId(ctx, "credential");
  const { limit, before } = readQuery(req, querySchema);
  const history = await credentialHistory({ input: { credentialId, limit, before: before ? new Date(before) : undefined } });
  const etag = historyEtag(history);
  if (matchesEtag(req.headers.get("if-none-match"), etag)) return new Response(null, { status: 304, headers: headers(etag, history.serverTime) });
  return json(history, { headers: headers(etag, history.serverTime) });
});
