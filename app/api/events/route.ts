import { sessionFromToken } from "@/server/auth/session";
import { isDatabaseUnreachable } from "@/server/errors";
import { authenticate } from "@/server/http/guard";
import { internalError } from "@/server/http/problem";
import { sessionToken } from "@/server/http/session-cookies";
import { databaseDownSinceWall } from "@/server/live/changes";
import { changeStream } from "@/server/live/event-stream";
import { roleConfirmedBefore } from "@/server/live/session-memo";

export const dynamic = "force-dynamic";

/**
 * GET /api/events: the dashboard's change stream (Server-Sent Events; server/live/event-stream.ts).
 * `no-transform` keeps any compression from buffering the events.
 *
 * A viewer's session, checked in the database; while the database does not answer, a session this
 * process confirmed (any request: the page itself, an API call) just before the outage still gets
 * its stream (session-memo.ts roleConfirmedBefore): the stream carries no data, and its pings are
 * how the page learns that the database, not the server, is down.
 */
export async function GET(req: Request): Promise<Response> {
  const token = sessionToken(req);
  try {
    await authenticate(req, "viewer");
  } catch (err) {
    const kept = isDatabaseUnreachable(err) && roleConfirmedBefore(token, databaseDownSinceWall() ?? Date.now());
    if (!kept) return internalError(err, "GET /api/events");
  }
  // sessionFromToken keeps the memo of confirmed sessions up to date either way.
  const stillSignedIn = async () => !!(await sessionFromToken(token));
  return new Response(changeStream({ signal: req.signal, stillSignedIn }), {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      "x-accel-buffering": "no",
    },
  });
}
