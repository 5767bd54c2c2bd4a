import { sessionFromToken } from "@/server/auth/session";
import { guarded } from "@/server/http/guard";
import { sessionToken } from "@/server/http/session-cookies";
import { changeStream } from "@/server/live/event-stream";
import { sessionConfirmed, sessionGone } from "@/server/live/session-memo";

export const dynamic = "force-dynamic";

/**
 * GET /api/events: the dashboard's change stream (Server-Sent Events; server/live/event-stream.ts).
 * `no-transform` keeps any compression from buffering the events.
 */
export const GET = guarded("viewer", "GET /api/events", async (req: Request, _ctx: unknown, user) => {
  const token = sessionToken(req);
  sessionConfirmed(token, user.role);
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
});
