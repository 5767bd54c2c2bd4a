"use client";
import { hashKey, type QueryFunction, type QueryKey } from "@tanstack/react-query";
import { formatHeard } from "@/lib/heard-stamps";

/**
 * Tabs of one browser read once for all of them (issue 13). When a change comes, every open tab
 * refetches what it shows; with 50 tabs on the overview that was 50 requests for the same page
 * and 50 parses of it, on the server and in the browser, before the last tab showed the change.
 * Now the tabs that want the same query at the same time take turns through a Web Lock named by
 * the query: the first one reads and hands its answer to the others over a BroadcastChannel named
 * by the query too (only tabs that read that query listen), and they use it instead of asking.
 * The slow safety refetches of idle tabs are shared the same way.
 *
 * Another tab's answer serves this tab only when it is as fresh as asking now would be:
 * - it was asked for under the same change stamps and database state this tab knows (live-updates.tsx
 *   tells them), so no change this tab has heard of came after it, nor the end of an outage;
 * - it was asked for after this tab's last write (a Refresh, an acknowledgement) was answered, so
 *   the tab that just changed something reads its own change;
 * - it is at most SHARE_MS older than the moment this tab wanted it (the safety net's age);
 * - it still holds by time (`holds`: an overview page whose health moves at `validUntil`, an alert
 *   whose silence ended), since time alone is what some refetches wait for.
 * Otherwise, or when the reading tab fails or closes (its lock goes with it), each tab asks itself.
 *
 * Nothing crosses that this tab could not read: the tabs of one browser share its cookies, so they
 * are one session; only reads (GET) are shared, never a revealed value. Where Web Locks or
 * BroadcastChannel are missing (plain http on a LAN is not a secure context), or AbortSignal.any (an
 * older browser), each tab asks itself.
 */
export const SHARE_MS = 10_000;

const PREFIX = "tickethub-read:";
/** How long the reading tab keeps its lock after posting its answer (see readOnce). */
const HANDOVER_MS = 50;

type Note = { sentAt: number; stamps: string | null } & ({ ok: true; data: unknown } | { ok: false });
type Channel = { channel: BroadcastChannel; last: (Note & { ok: true }) | null; waiters: Set<(note: Note) => void> };
/** Whether an answer still reads the same by time alone (the default: it does). */
type Holds = (data: never) => boolean;

const channels = new Map<string, Channel>();
/** What this tab knows of the server's state: the topics' stamps and since when its database has been down. */
let topics: string | null = null;
let databaseDownSince: string | null = null;
/** The two above as one tag (null: nothing heard yet), which an answer carries from the tab that read it. */
let stamps: string | null = null;
let lastWriteAt = 0;

const retag = () => {
  stamps = topics === null && databaseDownSince === null ? null : JSON.stringify([topics, databaseDownSince]);
};

/** The stamps as the dashboard's reads name them to the server (lib/heard-stamps.ts). */
let heard: string | null = null;

/** The change stream's latest stamps, as this tab heard them. */
export function noteStamps(next: Record<string, string>): void {
  const entries = Object.entries(next).sort(([a], [b]) => (a < b ? -1 : 1));
  topics = JSON.stringify(entries);
  heard = formatHeard(next);
  retag();
}

/**
 * The stamps this tab heard last, for a read to name (null: none yet). Behind a load balancer the
 * stream and a read may reach different instances; one that has not yet seen what the stream told
 * this tab answers from its database, not with a 304 from memory (server/live/changes.ts knowsHeard).
 */
export function heardStamps(): string | null {
  return heard;
}

/**
 * Since when the server's database has not answered (null: it answers), as the stream's pings
 * say: what was read during an outage does not serve once it is over (the page then reads what
 * the database confirms).
 */
export function noteDatabaseDown(since: string | null): void {
  databaseDownSince = since;
  retag();
}

/** This tab's write (any state-changing request) was just answered. */
export function noteWrite(): void {
  lastWriteAt = Date.now();
}

// AbortSignal.any came to browsers after Web Locks (Chrome 116, Firefox 124, Safari 17.4).
const supported = () => typeof window !== "undefined" && typeof BroadcastChannel !== "undefined" && !!navigator.locks && typeof AbortSignal.any === "function";

function channelFor(key: string): Channel {
  const c = channels.get(key);
  if (c) return c;
  const channel = new BroadcastChannel(PREFIX + key);
  const opened: Channel = { channel, last: null, waiters: new Set() };
  channel.onmessage = (e: MessageEvent<Note>) => {
    const note = e.data;
    if (note.ok && (!opened.last || opened.last.sentAt <= note.sentAt)) opened.last = note;
    for (const w of [...opened.waiters]) w(note);
  };
  channels.set(key, opened);
  return opened;
}

/** Whether another tab's answer, asked for at `note.sentAt`, is as good as asking now (see above). */
function serves(note: Note | null, wantedAt: number, holds: Holds): note is Note & { ok: true } {
  if (!note?.ok) return false;
  return note.sentAt > lastWriteAt && note.sentAt >= wantedAt - SHARE_MS && (stamps === null || note.stamps === stamps) && holds(note.data as never);
}

function post(c: Channel, note: Note) {
  try {
    c.channel.postMessage(note);
  } catch {
    // Not cloneable (never for JSON answers): the other tabs ask themselves.
  }
}

function readOnce<T>(key: string, read: () => Promise<T>, signal: AbortSignal, holds: Holds): Promise<T> {
  const c = channelFor(key);
  const wantedAt = Date.now();
  if (serves(c.last, wantedAt, holds)) return Promise.resolve(c.last.data as T);
  return new Promise<T>((resolve, reject) => {
    // Stops waiting for the lock once another tab's answer (or its failure) came.
    const gotNews = new AbortController();
    let decided = false;
    const decide = (outcome: () => Promise<T>) => {
      if (decided) return;
      decided = true;
      c.waiters.delete(onNote);
      outcome().then(resolve, reject);
    };
    const onNote = (note: Note) => {
      const failed = !note.ok;
      if (serves(note, wantedAt, holds)) decide(() => Promise.resolve(note.data as T));
      // The tab that read failed: ask ourselves at once, not in turn behind every other waiting tab.
      else if (failed) decide(read);
      else return;
      gotNews.abort();
    };
    c.waiters.add(onNote);
    navigator.locks
      .request(`${PREFIX}${key}`, { signal: AbortSignal.any([gotNews.signal, signal]) }, async () => {
        if (decided) return;
        const kept = c.last;
        if (kept && serves(kept, wantedAt, holds)) {
          decide(() => Promise.resolve(kept.data as T));
          return;
        }
        const sentAt = Date.now();
        const tag = stamps;
        const answered = read();
        decide(() => answered);
        // The lock is held until the answer is here, so the tabs behind it find it when their turn comes.
        try {
          const data = await answered;
          const note = { sentAt, stamps: tag, ok: true as const, data };
          if (!c.last || c.last.sentAt <= sentAt) c.last = note;
          post(c, note);
          // The lock and the channel are separate roads: let the answer reach the waiting tabs
          // before the lock does, or the next one in turn would ask for itself.
          await new Promise((r) => setTimeout(r, HANDOVER_MS));
        } catch {
          // Cancelled here (this tab's query was superseded or left the screen): the next tab in turn
          // reads. A failure of the server: every waiting tab asks for itself at once.
          if (!signal.aborted) post(c, { sentAt, stamps: tag, ok: false });
        }
      })
      .catch((err: unknown) => {
        // The lock request was given up: another tab's news decided it, or this query was cancelled.
        if (!decided) {
          decided = true;
          c.waiters.delete(onNote);
          reject(err);
        }
      });
  });
}

const always = () => true;

/**
 * A query function whose answer this browser's tabs share (see above): wrap the queryFn of data
 * every open tab refetches on a change or on a timer. `holds` says whether an answer still reads
 * the same by time alone.
 */
export function acrossTabs<T, K extends QueryKey>(read: QueryFunction<T, K>, holds: (data: T) => boolean = always): QueryFunction<T, K> {
  return (ctx) => {
    if (!supported()) return read(ctx);
    return readOnce(hashKey(ctx.queryKey), async () => read(ctx), ctx.signal, holds as Holds);
  };
}
