import { guarded } from "@/server/http/guard";
import { json } from "@/server/http/problem";
import { sessionToken } from "@/server/http/session-cookies";
import { ALERT_LIST_MEMO, alertListAnswer } from "@/server/live/alert-list";
import { heardOf } from "@/server/live/changes";
import { matchesEtag } from "@/server/http/etag";
import { recentlyConfirmedRole } from "@/server/live/session-memo";
import { unchangedMemoEtag } from "@/server/live/topic-memo";

// `no-cache`: the browser may keep the list but asks every time; the dashboard sends If-None-Match itself.
const headers = (etag: string) => ({ etag, "cache-control": "private, no-cache" });

// guarded's session check records the session as confirmed (auth/session.ts), for the 304 below.
const full = guarded("viewer", "GET /api/alerts", async (req: Request) => {
  const { etag, answer } = await alertListAnswer(heardOf(req));
  if (matchesEtag(req.headers.get("if-none-match"), etag)) return new Response(null, { status: 304, headers: headers(etag) });
  return json(answer, { headers: headers(etag) });
});

/**
 * GET /api/alerts: open incidents and the most recent resolved ones, with an ETag. `If-None-Match`
 * naming the current list → 304 from memory (no database query) when the session was confirmed
 * within the last minute and the change stamps say nothing changed (server/live/topic-memo.ts), as
 * GET /api/credentials does; otherwise the session and the list are read as usual.
 */
export async function GET(req: Request, ctx: unknown): Promise<Response> {
  const ifNoneMatch = req.headers.get("if-none-match");
  if (ifNoneMatch && recentlyConfirmedRole(sessionToken(req))) {
    const etag = unchangedMemoEtag(ifNoneMatch, ALERT_LIST_MEMO.key, ALERT_LIST_MEMO.topics, heardOf(req));
    if (etag) return new Response(null, { status: 304, headers: headers(etag) });
  }
  return full(req, ctx);
}
