import "server-only";
import { now } from "../clock";
import { databaseOutage, latestTopics, onDatabaseOutageChanged, onTopicsChanged, type Topics } from "./changes";

/**
 * The dashboard's change stream (Server-Sent Events), as bytes: the route wraps it in a Response.
 *
 * - `change`: the topics' stamps (changes.ts) when one moves, and once at the start, so a client
 *   that reconnects after a gap compares and refetches what moved meanwhile. What moves together
 *   (a refresh's lease, value and audit row) is one event, told within changes.ts MAX_HOLD_MS.
 * - `ping`: every HEARTBEAT_MS with the server's time: the browser's liveness signal (no ping for
 *   a few seconds = the server stopped answering) and a clock sample; and whether the database
 *   answers (changes.ts databaseOutage): a live server whose database is down confirms nothing.
 * - every SESSION_CHECK_MS the session is checked again (`stillSignedIn`); when it is gone the
 *   stream says `signedout` and ends.
 * - `alive` (the read plane serves the stream: is the Next server behind it answering?) is asked
 *   before every ping; when it says no the stream ends, so that the browser reconnects to whatever
 *   answers then (a hung Next server: nothing, and the page turns stale as it should; its pages
 *   and API would not answer either). The reconnected stream names the current stamps first.
 */
export const HEARTBEAT_MS = 2_000;
export const SESSION_CHECK_MS = 30_000;

export function changeStream({
  signal,
  stillSignedIn,
  alive = () => true,
}: {
  signal: AbortSignal;
  stillSignedIn: () => Promise<boolean>;
  alive?: () => boolean;
}): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let cleanup = () => {};
  return new ReadableStream<Uint8Array>({
    start(controller) {
      let closed = false;
      const send = (text: string) => {
        if (closed) return;
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          end();
        }
      };
      const event = (name: string, data: unknown) => send(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
      const change = (topics: Topics) => event("change", { topics, serverTime: now().toISOString() });
      // `database`: null while the database answers; otherwise the page says its values are unconfirmed.
      const ping = () => {
        if (alive()) event("ping", { serverTime: now().toISOString(), database: databaseOutage() });
        else end();
      };

      const stopListening = onTopicsChanged(change);
      // The database stopping or answering again is said at once, not at the next heartbeat.
      const stopOutage = onDatabaseOutageChanged(ping);
      const heartbeat = setInterval(ping, HEARTBEAT_MS);
      const sessionCheck = setInterval(() => {
        stillSignedIn().then(
          (ok) => {
            if (ok) return;
            event("signedout", {});
            end();
          },
          () => {}, // the database does not answer: keep the stream; the next check decides
        );
      }, SESSION_CHECK_MS);
      function end() {
        if (closed) return;
        closed = true;
        cleanup();
        try {
          controller.close();
        } catch {}
      }
      cleanup = () => {
        stopListening();
        stopOutage();
        clearInterval(heartbeat);
        clearInterval(sessionCheck);
        signal.removeEventListener("abort", end);
      };
      signal.addEventListener("abort", end);

      // A reconnecting EventSource waits this long; the first ping tells the browser at once that the server answers.
      send("retry: 1000\n\n");
      ping();
      const topics = latestTopics();
      if (topics) change(topics);
    },
    cancel() {
      cleanup();
    },
  });
}
