import { now } from "@/server/clock";
import { guarded } from "@/server/http/guard";
import { readQuery } from "@/server/http/input";
import { json } from "@/server/http/problem";
import { sessionToken } from "@/server/http/session-cookies";
import { matchesEtag } from "@/server/http/etag";
import { heardOf } from "@/server/live/changes";
import { unchangedEtag } from "@/server/live/list-cache";
import { overviewAnswer, overviewQuerySchema, viewKey } from "@/server/live/overview-list";
import { recentlyConfirmedRole } from "@/server/live/session-memo";

// `no-cache`: the browser may keep the list but asks every time (with If-None-Match); the
// dashboard sends If-None-Match itself and reads the server's time from x-server-time on a 304.
const headers = (etag: string) => ({ etag, "cache-control": "private, no-cache", "x-server-time": now().toISOString() });

// guarded's session check records the session as confirmed (auth/session.ts), for the 304 below.
const full = guarded("viewer", "GET /api/credentials", async (req: Request) => {
  const { etag, answer } = await overviewAnswer(readQuery(req, overviewQuerySchema), heardOf(req));
  if (matchesEtag(req.headers.get("if-none-match"), etag)) return new Response(null, { status: 304, headers: headers(etag) });
  return json(answer, { headers: headers(etag) });
});

/**
 * GET /api/credentials?page=&limit=&q=&vendor=&health=&app= → the overview's answer (lib/overview-view.ts:
 * the page asked for, "needs attention" first, with totals over every credential), with an ETag.
 * Without `limit`, every credential. `If-None-Match` naming the current answer → 304 from memory (no
 * database query) when the session was confirmed within the last minute and the database's change
 * stamp, read within the last poll, says nothing changed (server/live/list-cache.ts), and this
 * process has seen the stamp the tab heard (x-tickethub-heard: another instance may have told it of
 * a change first); otherwise the session, the query and the list are checked as usual.
 */
export async function GET(req: Request, ctx: unknown): Promise<Response> {
  const role = recentlyConfirmedRole(sessionToken(req));
  const ifNoneMatch = req.headers.get("if-none-match");
  if (role && ifNoneMatch) {
    const query = overviewQuerySchema.safeParse(Object.fromEntries(new URL(req.url).searchParams));
    const etag = query.success ? unchangedEtag(ifNoneMatch, viewKey(query.data), heardOf(req)) : null;
    if (etag) return new Response(null, { status: 304, headers: headers(etag) });
  }
  return full(req, ctx);
}
