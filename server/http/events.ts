import "server-only";
import { sessionFromToken } from "../auth/session";
import { isDatabaseUnreachable } from "../errors";
import { databaseDownSinceWall } from "../live/changes";
import { changeStream } from "../live/event-stream";
import { roleConfirmedBefore } from "../live/session-memo";
import { authenticate } from "./guard";
import { internalError } from "./problem";
import { sessionToken } from "./session-cookies";

/**
 * GET /api/events: the dashboard's change stream (Server-Sent Events; server/live/event-stream.ts).
 * One implementation for both adapters: the Next route (app/api/events) and the read plane, which
 * answers it itself (no hop through the Next server for every ping of every open browser).
 * `no-transform` keeps any compression from buffering the events.
 *
 * A viewer's session, checked in the database; while the database does not answer, a session this
 * process confirmed (any request: the page itself, an API call, the stream's own checks) just
 * before the outage still gets its stream (session-memo.ts roleConfirmedBefore): the stream carries
 * no data, and its pings are how the page learns that the database, not the server, is down.
 * `alive`: see changeStream.
 */
export async function eventsAnswer(req: Request, alive?: () => boolean): Promise<Response> {
  const token = sessionToken(req);
  try {
    await authenticate(req, "viewer");
  } catch (err) {
    const kept = isDatabaseUnreachable(err) && roleConfirmedBefore(token, databaseDownSinceWall() ?? Date.now());
    if (!kept) return internalError(err, "GET /api/events");
  }
  // sessionFromToken keeps the memo of confirmed sessions up to date either way.
  const stillSignedIn = async () => !!(await sessionFromToken(token));
  return new Response(changeStream({ signal: req.signal, stillSignedIn, alive }), {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      "x-accel-buffering": "no",
    },
  });
}
