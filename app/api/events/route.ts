import { sessionFromToken } from "@/server/auth/session";
import { isDatabaseUnreachable } from "@/server/errors";
import { authenticate } from "@/server/http/guard";
import { internalError } from "@/server/http/problem";
import { sessionToken } from "@/server/http/session-cookies";
import { databaseDownSinceWall } from "@/server/live/changes";
import { changeStream } from "@/server/live/event-stream";
import { roleConfirmedBefore, sessionConfirmed, sessionGone } from "@/server/live/session-memo";

export const dynamic = "force-dynamic";

/**
 * GET /api/events: the dashboard's change stream (Server-Sent Events; server/live/event-stream.ts).
 * `no-transform` keeps any compression from buffering the events.
 *
 * A viewer's session, checked in the database; while the database does not answer, a session this
 * instance confirmed just before the outage still gets its stream (session-memo.ts
 * roleConfirmedBefore): the stream carries no data, and its pings are how the page learns that the
 * database, not the server, is down.
 */
export async function GET(req: Request): Promise<Response> {
  const token = sessionToken(req);
  try {
    sessionConfirmed(token, (await authenticate(req, "viewer")).role);
  } catch (err) {
    const kept = isDatabaseUnreachable(err) && roleConfirmedBefore(token, databaseDownSinceWall() ?? Date.now());
    if (!kept) return internalError(err, "GET /api/events");
  }
  const stillSignedIn = async () => {
    const again = await sessionFromToken(token);
    if (again) sessionConfirmed(token, again.role);
    else sessionGone(token);
    return !!again;
  };
  return new Response(changeStream({ signal: req.signal, stillSignedIn }), {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      "x-accel-buffering": "no",
    },
  });
}
