import "server-only";
import { now } from "../clock";
import { processSingleton } from "../process-state";
import { databaseOutage, latestTopics, onDatabaseOutageChanged, onTopicsChanged, type Topics } from "./changes";

/**
 * The dashboard's change stream (Server-Sent Events), as bytes written to a sink: the Next route
 * wraps it in a ReadableStream (changeStream), the read plane writes it to its Node response.
 *
 * - `change`: the topics' stamps (changes.ts) when one moves, and once at the start, so a client
 *   that reconnects after a gap compares and refetches what moved meanwhile. What moves together
 *   (a refresh's lease, value and audit row) is one event, told within changes.ts MAX_HOLD_MS
 *   (MIN_GAP_MS after the last event in a busy stretch).
 * - `ping`: every HEARTBEAT_MS with the server's time: the browser's liveness signal (no ping for
 *   a few seconds = the server stopped answering) and a clock sample; and whether the database
 *   answers (changes.ts databaseOutage): a live server whose database is down confirms nothing.
 *   The first at once; then the process's streams are pinged together (heartbeat below).
 * - every SESSION_CHECK_MS the session is checked again (`stillSignedIn`), every stream's at the
 *   same beat (so that the adapter can ask for them together); when it is gone the stream says
 *   `signedout` and ends.
 * - `alive` (the read plane serves the stream: is the Next server behind it answering?) is asked
 *   before every ping; when it says no the stream ends, so that the browser reconnects to whatever
 *   answers then (a hung Next server: nothing, and the page turns stale as it should; its pages
 *   and API would not answer either). The reconnected stream names the current stamps first.
 */
export const HEARTBEAT_MS = 2_000;
/** Every this many beats (SESSION_CHECK_MS). */
const SESSION_CHECK_BEATS = 15;
export const SESSION_CHECK_MS = SESSION_CHECK_BEATS * HEARTBEAT_MS;

/**
 * Where a stream's bytes go. `write` answers false when the client is gone (the stream then ends);
 * `close` ends the answer.
 */
export type StreamSink = { write(bytes: Uint8Array): boolean; close(): void };

type StreamOptions = {
  signal: AbortSignal;
  stillSignedIn: () => Promise<boolean>;
  alive?: () => boolean;
};

const encoder = new TextEncoder();
const eventBytes = (name: string, data: unknown) => encoder.encode(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
// `database`: null while the database answers; otherwise the page says its values are unconfirmed.
const pingBytes = () => eventBytes("ping", { serverTime: now().toISOString(), database: databaseOutage() });

/** What the heartbeat does to one stream: ping it, and check its session. */
type Beaten = { ping(bytes: Uint8Array): void; checkSession(): void };

/**
 * One heartbeat for all of this process's streams: a timer per stream woke the process 50 times a
 * second for 100 open browsers, and made, encoded and queued the same ping 100 times. Here the ping
 * is made once per beat, and once more at once when the database stops answering or answers again
 * (not at the next beat), and each stream writes the same bytes; every SESSION_CHECK_BEATS beats
 * each stream's session is checked, all in the same turn.
 */
const heartbeat = processSingleton("tickethubStreamHeartbeat", () => ({
  streams: new Set<Beaten>(),
  beats: 0,
  timer: null as ReturnType<typeof setInterval> | null,
  stopOutage: null as (() => void) | null,
}));

function pingAll() {
  const { streams } = heartbeat;
  if (streams.size === 0) return;
  const ping = pingBytes();
  for (const stream of [...streams]) stream.ping(ping);
}

/** One beat (the timer's; tests call it to skip the wait). */
export function beat(): void {
  pingAll();
  if (++heartbeat.beats % SESSION_CHECK_BEATS !== 0) return;
  for (const stream of [...heartbeat.streams]) stream.checkSession();
}

function joinHeartbeat(stream: Beaten): () => void {
  heartbeat.streams.add(stream);
  heartbeat.timer ??= setInterval(beat, HEARTBEAT_MS);
  heartbeat.stopOutage ??= onDatabaseOutageChanged(pingAll);
  return () => {
    heartbeat.streams.delete(stream);
    if (heartbeat.streams.size > 0) return;
    if (heartbeat.timer) clearInterval(heartbeat.timer);
    heartbeat.stopOutage?.();
    heartbeat.timer = null;
    heartbeat.stopOutage = null;
  };
}

/** Starts a change stream into `sink`; it ends when `signal` aborts, the session ends or `alive` says no. */
export function openChangeStream(sink: StreamSink, { signal, stillSignedIn, alive = () => true }: StreamOptions): void {
  let closed = false;
  const send = (bytes: Uint8Array) => {
    if (!closed && !sink.write(bytes)) end();
  };
  const change = (topics: Topics) => send(eventBytes("change", { topics, serverTime: now().toISOString() }));
  const ping = (bytes: Uint8Array) => {
    if (alive()) send(bytes);
    else end();
  };

  const checkSession = () => {
    if (closed) return;
    stillSignedIn().then(
      (ok) => {
        if (ok) return;
        send(eventBytes("signedout", {}));
        end();
      },
      // The check failed (the database does not answer): keep the stream; the next check decides.
      // Its cause is logged where the streams' checks are made (events.ts), once, not once per stream.
      () => {},
    );
  };
  const stopListening = onTopicsChanged(change);
  const leaveHeartbeat = joinHeartbeat({ ping, checkSession });
  function end() {
    if (closed) return;
    closed = true;
    stopListening();
    leaveHeartbeat();
    signal.removeEventListener("abort", end);
    sink.close();
  }
  signal.addEventListener("abort", end);

  // A reconnecting EventSource waits this long; the first ping tells the browser at once that the server answers.
  send(encoder.encode("retry: 1000\n\n"));
  ping(pingBytes());
  const topics = latestTopics();
  if (topics) change(topics);
}

/** The change stream as a web ReadableStream (the Next route's answer; tests). */
export function changeStream(options: StreamOptions): ReadableStream<Uint8Array> {
  const gone = new AbortController();
  options.signal.addEventListener("abort", () => gone.abort(), { once: true });
  return new ReadableStream<Uint8Array>({
    start(controller) {
      let open = true;
      openChangeStream(
        {
          write(bytes) {
            try {
              controller.enqueue(bytes);
              return true;
            } catch {
              return false;
            }
          },
          close() {
            if (!open) return;
            open = false;
            try {
              controller.close();
            } catch {}
          },
        },
        { ...options, signal: gone.signal },
      );
    },
    cancel() {
      gone.abort();
    },
  });
}
