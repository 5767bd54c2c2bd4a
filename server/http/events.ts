import "server-only";
import type { ServerResponse } from "node:http";
import { sessionsFromTokens } from "../auth/session";
import { errorLine, isDatabaseUnreachable } from "../errors";
import { databaseDownSinceWall } from "../live/changes";
import { changeStream, openChangeStream } from "../live/event-stream";
import { roleConfirmedBefore } from "../live/session-memo";
import { authenticate } from "./guard";
import { streamTo } from "./node-answers";
import { internalError } from "./problem";
import { sessionToken } from "./session-cookies";

/**
 * GET /api/events: the dashboard's change stream (Server-Sent Events; server/live/event-stream.ts).
 * One implementation, two adapters: the Next route (app/api/events: eventsAnswer, a web Response)
 * and the read plane, which answers it itself (no hop through the Next server for every ping of
 * every open browser) and writes it straight to its Node response (eventsToNode: no web stream
 * between the bytes and the socket). `no-transform` keeps any compression from buffering the events.
 *
 * A viewer's session, checked in the database; while the database does not answer, a session this
 * process confirmed (any request: the page itself, an API call, the stream's own checks) just
 * before the outage still gets its stream (session-memo.ts roleConfirmedBefore): the stream carries
 * no data, and its pings are how the page learns that the database, not the server, is down.
 * `alive`: see event-stream.ts.
 */
export const EVENT_STREAM_HEADERS: Readonly<Record<string, string>> = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache, no-transform",
  "x-accel-buffering": "no",
};

/** Whether `req` may open the stream: its session check (to repeat while it is open), or the refusal. */
async function admit(req: Request): Promise<{ stillSignedIn: () => Promise<boolean> } | Response> {
  const token = sessionToken(req);
  try {
    await authenticate(req, "viewer");
  } catch (err) {
    const kept = isDatabaseUnreachable(err) && roleConfirmedBefore(token, databaseDownSinceWall() ?? Date.now());
    if (!kept) return internalError(err, "GET /api/events");
  }
  // sessionsFromTokens keeps the memo of confirmed sessions up to date either way.
  return { stillSignedIn: () => sessionStillValid(token) };
}

/**
 * The open streams' session checks come at the same heartbeat (event-stream.ts): the tokens asked
 * within one turn of the event loop are checked with one findMany (sessionsFromTokens; Prisma splits
 * a list longer than the database's bound parameters into several statements), not one query per
 * open browser. A database that does not answer fails them all (each stream keeps going). Per copy
 * of this module, not per process (process-state.ts): a second copy would only make a second query.
 */
let batch: { tokens: Set<string>; users: ReturnType<typeof sessionsFromTokens> } | null = null;
export function sessionStillValid(token: string | null): Promise<boolean> {
  if (!token) return Promise.resolve(false);
  if (!batch) {
    const tokens = new Set<string>();
    const users = new Promise<void>((r) => setImmediate(r))
      .then(() => {
        batch = null; // a token asked from now on goes with the next batch
        return sessionsFromTokens([...tokens]);
      })
      .catch((err: unknown) => {
        // Once for the batch, not once per waiting stream: a failure other than an unreachable
        // database skipped every stream's check at this beat.
        if (!isDatabaseUnreachable(err)) console.error(`[events] the streams' session check failed: ${errorLine(err)}`);
        throw err;
      });
    batch = { tokens, users };
  }
  batch.tokens.add(token);
  return batch.users.then((users) => !!users.get(token));
}

export async function eventsAnswer(req: Request, alive?: () => boolean): Promise<Response> {
  const admitted = await admit(req);
  if (admitted instanceof Response) return admitted;
  return new Response(changeStream({ signal: req.signal, stillSignedIn: admitted.stillSignedIn, alive }), {
    headers: EVENT_STREAM_HEADERS,
  });
}

/**
 * The read plane's adapter: the stream written to `res` (with `extraHeaders`, as Next adds them to
 * its answers), or the refusal, unwritten, for the caller to send or hand on. `closed` aborts when
 * `res` closes (the caller's own signal: a web Request's signal, derived from it, may stop
 * following it once the Request is collected).
 */
export async function eventsToNode(
  req: Request,
  res: ServerResponse,
  { closed, extraHeaders, alive }: { closed: AbortSignal; extraHeaders: readonly { key: string; value: string }[]; alive?: () => boolean },
): Promise<Response | null> {
  const admitted = await admit(req);
  if (admitted instanceof Response) return admitted;
  if (closed.aborted) return null;
  openChangeStream(streamTo(res, EVENT_STREAM_HEADERS, extraHeaders), { signal: closed, stillSignedIn: admitted.stillSignedIn, alive });
  return null;
}
