"use client";
import { type QueryClient, useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { adminKeys, alertKeys, appKeys, auditKeys, catalogKeys, credentialKeys, nonceKeys } from "@/lib/query-keys";
import { type DatabaseOutage, parseDatabaseOutage } from "@/lib/database-outage";
import { noteDatabase } from "./database-outage";
import { heardFromServer, watchFreshness } from "./freshness";
import { noteDatabaseDown, noteStamps } from "./shared-reads";
import { retryStuckReads } from "./stuck-reads";

type Topic = "credentials" | "apps" | "keys" | "nonces" | "audit" | "alerts";
type Topics = Record<Topic, string>;
type LiveMessage = { type: "ping"; database: DatabaseOutage | null } | { type: "change"; topics: Topics } | { type: "signedout" };

/** What each topic of the stream (server/live/changes.ts) invalidates; only queries on screen refetch. */
const AFFECTS: Record<Topic, readonly (readonly string[])[]> = {
  credentials: [credentialKeys.all],
  // The alerts too: they name their app, and say whose quota limit an app's alert is about and whether its clear_quota is done.
  apps: [catalogKeys.all, appKeys.all, alertKeys.all],
  // The admin's key list: keys created or revoked anywhere, and their last use (to the minute).
  keys: [adminKeys.apiKeys()],
  nonces: [nonceKeys.all],
  audit: [auditKeys.all],
  alerts: [alertKeys.all],
};

const CHANNEL = "tickethub-live";
const TOPICS = Object.keys(AFFECTS) as Topic[];

/**
 * The stamps the page's data was read under, as its server render said (LiveSeed), for the tab's
 * first news from the stream to be compared with: a page that came with its data reads again only
 * what moved since its render, not everything (each page load used to read its data twice, once
 * in the HTML and once when the stream's first message named every topic as new). A render says
 * them before it reads; two that disagree on a topic (the layout and the page, read a moment apart)
 * leave it unknown, and a render that could not say them (null) leaves every topic unknown: what is
 * unknown is read again at the first news.
 */
const seeding = {
  /** What the renders said, agreed topic by topic, until the stream's first news (undefined: nothing said). */
  seeded: undefined as Partial<Topics> | undefined,
  /** Once the stream has spoken: compares a later render's stamps (router.refresh) with its news. */
  afterNews: null as ((seed: Topics | null) => void) | null,
};

function agreed(a: Partial<Topics> | undefined, b: Topics | null): Partial<Topics> {
  const out: Partial<Topics> = {};
  if (!b) return out;
  for (const t of TOPICS) if (a === undefined || a[t] === b[t]) out[t] = b[t];
  return out;
}

/** Hands LiveUpdates the stamps a server render read its data under (server/live/changes.ts: pageTopics). */
export function LiveSeed({ topics }: { topics: Topics | null }) {
  useEffect(() => {
    if (seeding.afterNews) return seeding.afterNews(topics);
    seeding.seeded = agreed(seeding.seeded, topics);
    // Until the news: another tab's read serves this one only if read under these same stamps.
    noteStamps(seeding.seeded);
  }, [topics]);
  return null;
}

/**
 * A tab nobody looks at (another tab in front, a minimised window) does not refetch at once what
 * moved: the queries are only marked stale, and TanStack Query refetches them the moment the tab
 * is shown again (its refetch on visibilitychange), so a shown tab is fresh at once. Otherwise it
 * catches up after a while anyway (its title counts what needs attention, and is seen in the tab
 * strip), at a random moment in this range so that a browser's background tabs do not all ask at
 * once, and never in the way of the tab someone is looking at.
 */
const HIDDEN_CATCH_UP_MS = [15_000, 30_000] as const;

const hidden = () => typeof document !== "undefined" && document.visibilityState === "hidden";

/**
 * Opens the stream (GET /api/events, Server-Sent Events) with a plain EventSource, which reconnects
 * by itself after a network error; after an error answer (a 5xx from a restarting server) it gives
 * up, so a new one is opened. Runs until `signal` aborts.
 */
function openStream(deliver: (m: LiveMessage) => void, signal: AbortSignal) {
  let source: EventSource | null = null;
  let retry: ReturnType<typeof setTimeout> | undefined;
  const open = () => {
    source = new EventSource("/api/events");
    source.addEventListener("ping", (e) =>
      deliver({ type: "ping", database: parseDatabaseOutage((JSON.parse((e as MessageEvent<string>).data) as { database?: unknown }).database) }),
    );
    source.addEventListener("change", (e) => deliver({ type: "change", topics: (JSON.parse((e as MessageEvent<string>).data) as { topics: Topics }).topics }));
    source.addEventListener("signedout", () => {
      source?.close();
      deliver({ type: "signedout" });
    });
    source.onerror = () => {
      if (source?.readyState === EventSource.CLOSED) retry = setTimeout(open, 2_000);
    };
  };
  open();
  signal.addEventListener("abort", () => {
    clearTimeout(retry);
    source?.close();
  });
}

/**
 * The dashboard's connection to the change stream: ONE per browser, not per tab. Browsers allow
 * about six HTTP/1.1 connections per host, and each open stream holds one, so with a stream per
 * tab a seventh tab would stall. The tabs elect one (a Web Lock) that holds the stream and relays
 * its events to the others (a BroadcastChannel); when it closes, another takes over. Where Web
 * Locks are missing (plain http on a LAN is not a secure context) each tab opens its own.
 *
 * Each `change` names the topics' stamps: what moved since the last one is refetched. Every event,
 * the 2 s `ping` included, tells freshness.ts that the server answers.
 */
export function LiveUpdates() {
  const queryClient = useQueryClient();
  useEffect(() => {
    const stop = new AbortController();
    const stopWatching = watchFreshness();
    // What the stream said last (null: it has not spoken yet).
    let known: Topics | null = null;
    let catchUp: ReturnType<typeof setTimeout> | undefined;
    const onShown = () => {
      if (hidden()) return;
      clearTimeout(catchUp);
      catchUp = undefined;
    };
    document.addEventListener("visibilitychange", onShown);
    const handle = (m: LiveMessage) => {
      heardFromServer();
      if (m.type === "change") {
        // The first news is compared with what the page's data was read under (LiveSeed): it may
        // describe changes made after the server rendered it, or before the page's first fetches.
        const before: Partial<Topics> = known ?? seeding.seeded ?? {};
        const moved = (Object.keys(m.topics) as Topic[]).filter((t) => before[t] !== m.topics[t]);
        known = m.topics;
        seeding.seeded = undefined;
        // A page drawn again later brings data read under its own stamps: what differs from the
        // news (or could not be said) is read again at once.
        seeding.afterNews ??= (seed) => {
          const differ = TOPICS.filter((t) => !seed || known?.[t] !== seed[t]);
          if (differ.length) invalidate(queryClient, differ, hidden());
        };
        // Before the refetches below: another tab's read serves this one only under these stamps.
        noteStamps(m.topics);
        if (!moved.length) return;
        const inBackground = hidden();
        invalidate(queryClient, moved, inBackground);
        if (inBackground && !catchUp) {
          const [min, max] = HIDDEN_CATCH_UP_MS;
          catchUp = setTimeout(
            () => {
              catchUp = undefined;
              void queryClient.refetchQueries({ type: "active", predicate: (q) => q.state.isInvalidated });
            },
            min + Math.random() * (max - min),
          );
        }
      } else if (m.type === "ping") {
        noteDatabaseDown(m.database?.since ?? null);
        // The database answers again: refetch what the page shows, confirmed now (and clear errors the outage left).
        if (noteDatabase(m.database)) invalidate(queryClient, TOPICS, hidden());
        // The server answers: a read that failed on the way (a change's refetch cut off) is asked
        // again; not while its database is down (those reads answer 503, and its return refetches all).
        else if (!hidden() && !m.database) retryStuckReads(queryClient);
      } else if (m.type === "signedout") {
        window.location.assign(`/signin?next=${encodeURIComponent(window.location.pathname + window.location.search)}`);
      }
    };

    const locks = typeof navigator !== "undefined" ? navigator.locks : undefined;
    if (!locks || typeof BroadcastChannel === "undefined") {
      openStream(handle, stop.signal);
    } else {
      const channel = new BroadcastChannel(CHANNEL);
      channel.onmessage = (e: MessageEvent<LiveMessage>) => handle(e.data);
      // A tab that takes over asks for the current stamps: the stream sends them first thing.
      void locks
        .request(CHANNEL, { signal: stop.signal }, () => {
          openStream((m) => {
            // The other tabs first: this tab's own refetches and renders must not hold up their news.
            channel.postMessage(m);
            handle(m);
          }, stop.signal);
          return new Promise<void>((resolve) => stop.signal.addEventListener("abort", () => resolve()));
        })
        .catch(() => {}); // aborted while waiting for the lock: this tab closed first
      stop.signal.addEventListener("abort", () => channel.close());
    }
    return () => {
      seeding.afterNews = null;
      stop.abort();
      stopWatching();
      clearTimeout(catchUp);
      document.removeEventListener("visibilitychange", onShown);
    };
  }, [queryClient]);
  return null;
}

/** Marks what the topics affect as stale; refetches it at once unless the tab is in the background. */
function invalidate(queryClient: QueryClient, topics: Topic[], inBackground: boolean) {
  for (const t of topics) for (const queryKey of AFFECTS[t]) void queryClient.invalidateQueries({ queryKey, refetchType: inBackground ? "none" : "active" });
}
