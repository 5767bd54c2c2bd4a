import "server-only";
import { createHash } from "node:crypto";
import type { DatabaseOutage } from "@/lib/database-outage";
import { HEARD_HEADER, type LiveTopic, parseHeard } from "@/lib/heard-stamps";
import { now } from "../clock";
import { getDb } from "../db";
import { isDatabaseUnreachable } from "../errors";
import { lastStampRead, onStampRead } from "../events";
import { lastConfirmedAt } from "../fast/cache-store";
import { appsStampOf, onlyRefreshesBegan as onlyRefreshesBeganIn } from "../fast/read-cache";
import { processSingleton } from "../process-state";

/**
 * What the dashboard's stream and the list's ETag are keyed by: one short stamp per topic the
 * dashboard shows, changing whenever what that topic's pages show may have changed.
 *
 * - credentials: the read cache's stamp (generations, leases, apps, keys; read every 250 ms by
 *   read-cache.ts, which tells us through events.ts) plus what it does not cover but the list
 *   shows: a refresh that failed (status, error, failures, next refresh) changes no generation and
 *   holds its lease for a few ms only, so it is seen through the credentials' newest `updatedAt`
 *   and their failure counts.
 * - apps: the part of the read cache's stamp that moves when an app or a credential slot is added,
 *   changed or removed (the app lists and the catalog of slots), not with every refresh; without a
 *   read cache, whenever credentials moves.
 * - keys: API keys created, revoked, and their latest use (kept to the minute: api-keys.ts), which
 *   the admin's key list shows; not with every refresh (it moved with credentials, and with thousands
 *   of apps an open key list was fetched again twice a second).
 * - nonces, audit, alerts: their newest rows (indexed MAX, never a scan of the history); for alerts
 *   also how many open ones were acknowledged or silenced, and the latest silence (the overview's
 *   banner and the credential page show both), and the notifications' outcomes (sent when opened,
 *   sent when resolved, failed: one count each, in one pass over the alerts), which the alert list
 *   shows and which come a webhook's round trip after the alert opened or resolved.
 *
 * The supplementary stamp is one query every POLL_MS, and only while someone listens or asked for
 * the list within the last minute: an instance nobody watches does not pay for it.
 */
export type Topic = LiveTopic;
export type Topics = Record<Topic, string>;

const POLL_MS = 500;
/** A stamp read longer ago than this is not trusted to say "nothing changed" (two polls missed). */
const FRESH_MS = 1_500;
const IDLE_STOP_MS = 60_000;
/**
 * One change, one event. A refresh moves several stamps within a few hundred ms (its lease, the
 * value, its audit row), and the read cache (every 250 ms) and the supplementary read (every
 * POLL_MS) see them at different polls: 2-3 events, and every open tab refetches what each one
 * names. So a movement is told COALESCE_MS after it is seen, with whatever else moved meanwhile,
 * and a new read-cache stamp reads the supplementary stamp at once (its updatedAt and audit row
 * come with the same write) and waits for that read, for at most MAX_HOLD_MS in all (MIN_GAP_MS
 * in a busy stretch, below).
 */
export const COALESCE_MS = 100;
export const MAX_HOLD_MS = 250;
/**
 * At most one event every MIN_GAP_MS: a movement seen sooner after the last event is held until
 * then, with whatever else moves meanwhile. With thousands of apps something moves several times a
 * second (3,000 apps at 12×: ~6.6 events a second, bench/scale.ts), and every open tab read its page
 * of the list again at each, and the Next server rendered the list for it; a person watching sees
 * no difference between six updates a second and two. A change alone (nothing told in the last
 * MIN_GAP_MS) is told as before; one in a busy stretch waits up to MIN_GAP_MS - COALESCE_MS more:
 * within 750 ms of its write when the read cache's stamp shows it (every 250 ms), within a second
 * when only the supplementary read does (every POLL_MS: a failure, keys, nonces, audit, alerts).
 * When the movement is held that long, the prompted supplementary read has had its MAX_HOLD_MS.
 */
export const MIN_GAP_MS = 500;
/**
 * Refreshes that began (their leases taken, their credentials marked "in progress") and nothing
 * else: told only once they have run this long.
 * Most refreshes end well within it, and then their lease and their value are one event, not two:
 * every open tab that shows credentials read and drew the list twice for each refresh, once to
 * show "refreshing on …" for the few hundred ms of a vendor call (with 100 tabs on 2 cores, the
 * first round was still being drawn when the value came: bench/idle-tabs.ts). A slow or hung
 * vendor call still shows as refreshing, a second late. What moves meanwhile and looks the same
 * (another credential's newest updatedAt: a pause for quota) waits with it, then the usual
 * coalescing: told at most LEASE_QUIET_MS + MAX_HOLD_MS after. Anything else is told at once.
 */
export const LEASE_QUIET_MS = 1_000;
let leaseQuietMs = LEASE_QUIET_MS;

/** Tests: how long a refresh's beginning is kept untold (LEASE_QUIET_MS otherwise). */
export function setLeaseQuietMs(ms: number): void {
  leaseQuietMs = ms;
}
/**
 * No stamp read for this long counts as an unreachable database even without an error (a hung
 * connection): six polls missed. The page promises "stale within 5 s"; the stream says it at once
 * (onDatabaseOutageChanged), so this plus one poll is what the page waits.
 */
const UNREACHABLE_AFTER_MS = 3_000;

type State = {
  cacheStamp: string | null;
  cacheStampAt: number;
  extra: { credentials: string; keys: string; nonces: string; audit: string; alerts: string } | null;
  extraAt: number;
  /** Server clock (ms) of the last successful read, and of the first failed one since (null: none failed). */
  confirmedAt: number | null;
  failingSince: number | null;
  /** The same moment on the wall clock (Date.now()), for comparing with other wall-clock records. */
  failingSinceWall: number | null;
  /** When the current watch began (Date.now()): an old last read right after a restart says nothing yet. */
  watchingSince: number;
  emitted: Topics | null;
  /** When the last event was told (performance.now(): monotonic, a step of the wall clock does not hold the next one; -∞: never). */
  emittedAtMono: number;
  /** The read cache's stamp and the failures counted (the supplementary credentials part's second half) when `emitted` was told (onlyRefreshesBegan). */
  emittedRaw: { cacheStamp: string | null; failures: string | null } | null;
  /** Waiting for refreshes that began to end (LEASE_QUIET_MS): its timer, or "over" once it ran out. */
  leaseQuiet: NodeJS.Timeout | "over" | null;
  /** The parts of the stamps this process has confirmed lately, per topic, oldest first (knowsHeard). */
  seen: Record<Topic, string[]>;
  listeners: Set<(topics: Topics) => void>;
  /** What outage listeners were last told ("" = the database answers), and who listens. */
  outageSaid: string;
  outageListeners: Set<() => void>;
  timer: NodeJS.Timeout | null;
  /** A movement seen and not yet told: when it was seen, and the timer that tells it. */
  held: { windowOver: boolean; maxOver: boolean; timers: NodeJS.Timeout[] } | null;
  /** The supplementary read started because the read cache's stamp moved (at most one at a time), and whether another is wanted after it. */
  prompt: Promise<void> | null;
  promptAgain: boolean;
  /** Reads are numbered as they start: an older read that ends late does not overwrite a newer one. */
  readsStarted: number;
  extraRead: number;
  interestAt: number;
  unsubscribe: (() => void) | null;
  /** Behind a read plane: when it last handed over its supplementary read (Date.now(); 0: never), and who gets ours. */
  sharedAt: number;
  share: ((extra: SharedExtra) => void) | null;
};

const state = () =>
  processSingleton<State>("tickethubLive", () => ({
    cacheStamp: null,
    cacheStampAt: 0,
    extra: null,
    extraAt: 0,
    confirmedAt: null,
    failingSince: null,
    failingSinceWall: null,
    watchingSince: 0,
    emitted: null,
    emittedAtMono: Number.NEGATIVE_INFINITY,
    emittedRaw: null,
    leaseQuiet: null,
    seen: { credentials: [], apps: [], keys: [], nonces: [], audit: [], alerts: [] },
    listeners: new Set(),
    outageSaid: "",
    outageListeners: new Set(),
    timer: null,
    held: null,
    prompt: null,
    promptAgain: false,
    readsStarted: 0,
    extraRead: 0,
    interestAt: 0,
    unsubscribe: null,
    sharedAt: 0,
    share: null,
  }));

const short = (...parts: unknown[]) => createHash("sha256").update(parts.map(String).join("|")).digest("base64url").slice(0, 16);
const cell = (v: unknown): string => (v instanceof Date ? String(v.getTime()) : v === null || v === undefined ? "-" : String(v));

/**
 * The supplementary stamp: read after nearly every change while a stream is open (promptExtra), so
 * every part comes from an index or a small table (the failures' sum from its own index).
 */
export const EXTRA_SQL = `SELECT (SELECT MAX("updatedAt") FROM "Credential") AS cu,
            (SELECT COALESCE(SUM("consecutiveFailures"), 0) FROM "Credential") AS cf,
            (SELECT COUNT(*) FROM "ApiKey") AS kc,
            (SELECT COUNT("revokedAt") FROM "ApiKey") AS kr,
            (SELECT MAX("lastUsedAt") FROM "ApiKey") AS ku,
            (SELECT MAX("issuedAt") FROM "NonceTicket") AS ni,
            (SELECT COUNT("usedAt") FROM "NonceTicket") AS nu,
            (SELECT COUNT(*) FROM "NonceTicket") AS nc,
            (SELECT MAX("at") FROM "AuditEvent") AS au,
            (SELECT MAX("openedAt") FROM "Alert") AS ao,
            a.ar, a.af, a.asn, a.ae,
            (SELECT COUNT("acknowledgedAt") FROM "Alert" WHERE "openKey" IS NOT NULL) AS aa,
            (SELECT COUNT("silencedUntil") FROM "Alert" WHERE "openKey" IS NOT NULL) AS sc,
            (SELECT MAX("silencedUntil") FROM "Alert" WHERE "openKey" IS NOT NULL) AS sm
       FROM (SELECT COUNT("resolvedAt") AS ar, COUNT("firingSentAt") AS af, COUNT("resolvedSentAt") AS asn,
                    COUNT("lastDeliveryError") AS ae FROM "Alert") a`;

async function readExtra(): Promise<NonNullable<State["extra"]>> {
  const rows = await getDb().$queryRawUnsafe<Record<string, unknown>[]>(EXTRA_SQL);
  const r = rows[0] ?? {};
  const c = (k: string) => cell(r[k]);
  return {
    credentials: `${c("cu")}|${c("cf")}`,
    keys: `${c("kc")}|${c("kr")}|${c("ku")}`,
    nonces: `${c("ni")}|${c("nu")}|${c("nc")}`,
    audit: c("au"),
    alerts: `${c("ao")}|${c("ar")}|${c("aa")}|${c("sc")}|${c("sm")}|${c("af")}|${c("asn")}|${c("ae")}`,
  };
}

function topics(s: State): Topics | null {
  if (!s.extra) return null;
  return {
    // Two parts, each read on its own (the read cache's stamp, the supplementary read): another
    // instance reads them at other moments, and knows a tab's stamp when it has seen each part.
    credentials: `${short(s.cacheStamp ?? "no-read-cache")}.${short(s.extra.credentials)}`,
    apps: s.cacheStamp ? short(appsStampOf(s.cacheStamp)) : short("no-read-cache", s.extra.credentials),
    keys: short(s.extra.keys),
    nonces: short(s.extra.nonces),
    audit: short(s.extra.audit),
    alerts: short(s.extra.alerts),
  };
}

function moved(s: State): Topics | null {
  const next = topics(s);
  if (!next) return null;
  const prev = s.emitted;
  if (prev && (Object.keys(next) as Topic[]).every((t) => prev[t] === next[t])) return null;
  return next;
}

/**
 * Tells the listeners what moved, once: COALESCE_MS after the first movement, or when the prompted
 * supplementary read ends if that is later, and MAX_HOLD_MS after it at the latest; in a busy
 * stretch not before MIN_GAP_MS after the last event.
 */
function emitIfMoved(s: State) {
  remember(s);
  if (s.held) return;
  if (!moved(s)) {
    endLeaseQuiet(s);
    return;
  }
  if (leaseQuiet(s)) return;
  const held: NonNullable<State["held"]> = { windowOver: false, maxOver: false, timers: [] };
  const after = (ms: number, mark: () => void) => {
    const t = setTimeout(() => {
      mark();
      release(s);
    }, ms);
    t.unref();
    held.timers.push(t);
  };
  const holdMs = Math.min(MIN_GAP_MS, Math.max(COALESCE_MS, s.emittedAtMono + MIN_GAP_MS - performance.now()));
  after(holdMs, () => (held.windowOver = true));
  after(Math.max(MAX_HOLD_MS, holdMs), () => (held.maxOver = true));
  s.held = held;
}

function release(s: State) {
  const held = s.held;
  if (!held?.windowOver || (s.prompt && !held.maxOver)) return;
  for (const t of held.timers) clearTimeout(t);
  s.held = null;
  endLeaseQuiet(s);
  const next = moved(s);
  if (!next) return;
  s.emitted = next;
  s.emittedAtMono = performance.now();
  s.emittedRaw = { cacheStamp: s.cacheStamp, failures: failuresOf(s.extra?.credentials) };
  notify("listener", s.listeners, (l) => l(next));
}

/**
 * Whether all that moved since the last event is refreshes that began: leases taken and credentials
 * marked "in progress" (their newest updatedAt, in both stamps), no failure counted, no other topic
 * moved. See LEASE_QUIET_MS.
 */
function onlyRefreshesBegan(s: State): boolean {
  const told = s.emittedRaw;
  const next = topics(s);
  if (!told?.cacheStamp || !s.cacheStamp || !next || !s.emitted) return false;
  // Of the supplementary part only its newest updatedAt may have moved, not its failures.
  if (told.failures === null || told.failures !== failuresOf(s.extra?.credentials)) return false;
  const emitted = s.emitted;
  return (Object.keys(next) as Topic[]).every((t) => t === "credentials" || next[t] === emitted[t]) && onlyRefreshesBeganIn(told.cacheStamp, s.cacheStamp);
}

/** The failures counted, from the supplementary credentials part ("newest updatedAt|failures"). */
function failuresOf(credentials: string | null | undefined): string | null {
  return credentials?.split("|")[1] ?? null;
}

/**
 * Whether to keep a movement untold for now: refreshes began, and LEASE_QUIET_MS has not run out
 * since. Anything else is held as usual, and its release ends the quiet.
 */
function leaseQuiet(s: State): boolean {
  if (!onlyRefreshesBegan(s)) return false;
  if (s.leaseQuiet === "over") return false;
  if (!s.leaseQuiet) {
    const t = setTimeout(() => {
      s.leaseQuiet = "over";
      emitIfMoved(s);
    }, leaseQuietMs);
    t.unref();
    s.leaseQuiet = t;
  }
  return true;
}

function endLeaseQuiet(s: State) {
  if (s.leaseQuiet && s.leaseQuiet !== "over") clearTimeout(s.leaseQuiet);
  s.leaseQuiet = null;
}

/** The supplementary stamp read now because the read cache's moved (one at a time; one more if it moved again meanwhile). */
function promptExtra(s: State) {
  if (s.prompt) {
    s.promptAgain = true;
    return;
  }
  s.prompt = (async () => {
    do {
      s.promptAgain = false;
      await pollExtra(s);
    } while (s.promptAgain && s.timer);
  })().finally(() => {
    s.prompt = null;
    release(s);
  });
}

/** Calls every listener; one that throws is logged and does not stop the others. */
function notify<L>(what: string, listeners: Iterable<L>, call: (listener: L) => void) {
  for (const listener of listeners) {
    try {
      call(listener);
    } catch (err) {
      console.error(`[live] ${what}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}

async function pollExtra(s: State) {
  // Another process of the instance reads it and hands it over (extraShared): no query of our own.
  if (Date.now() - s.sharedAt >= POLL_MS * 1.5) {
    const read = ++s.readsStarted;
    try {
      const extra = await readExtra();
      if (read < s.extraRead) return; // a read started later has answered already
      s.extraRead = read;
      took(s, extra);
      s.share?.(extra);
    } catch (err) {
      // The database does not answer: the stamps age out (nothing is confirmed unchanged) and the
      // list route answers from the database, or says it cannot; the stream's pings say so (databaseOutage).
      // Any failure of this one trivial query counts: whatever the cause, nothing is confirmed.
      s.failingSince ??= now().getTime();
      s.failingSinceWall ??= Date.now();
      if (!isDatabaseUnreachable(err)) console.error(`[live] stamp read: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  tellOutage(s);
  if (s.listeners.size === 0 && Date.now() - s.interestAt > IDLE_STOP_MS) stop(s);
}

/** A supplementary read that answered (ours, or the read plane's). */
function took(s: State, extra: SharedExtra) {
  s.extra = extra;
  s.extraAt = Date.now();
  s.confirmedAt = now().getTime();
  s.failingSince = null;
  s.failingSinceWall = null;
  emitIfMoved(s);
}

/** What one supplementary read found, as handed from the read plane to its Next server. */
export type SharedExtra = NonNullable<State["extra"]>;

/**
 * Hands every supplementary read this process makes to `share` (the read plane, which runs them
 * for the change streams it serves, to its Next server: one query per poll for the instance, not two).
 */
export function shareChangeReads(share: (extra: SharedExtra) => void): void {
  state().share = share;
}

/**
 * A supplementary read the read plane made (over IPC): taken as if made here, and this process
 * makes none of its own while they keep coming (within 1½ polls). When they stop (the read plane
 * has no stream open, or the database failed it) this process reads again itself when it watches.
 */
export function extraShared(extra: SharedExtra): void {
  const s = state();
  s.sharedAt = Date.now();
  s.extraRead = s.readsStarted;
  took(s, extra);
  tellOutage(s);
}

/** Tells outage listeners when the database stops or starts answering (not at every poll). */
function tellOutage(s: State) {
  const outage = databaseOutage();
  const said = outage ? outage.since : "";
  if (said === s.outageSaid) return;
  s.outageSaid = said;
  notify("outage listener", s.outageListeners, (l) => l());
}

function stop(s: State) {
  if (s.timer) clearInterval(s.timer);
  s.timer = null;
  for (const t of s.held?.timers ?? []) clearTimeout(t);
  s.held = null;
  endLeaseQuiet(s);
  s.failingSince = null;
  s.failingSinceWall = null;
  s.outageSaid = "";
  s.unsubscribe?.();
  s.unsubscribe = null;
}

/** Starts watching (if not already): called by whoever needs the stamps (the list route, the stream). */
export function watchChanges(): Promise<void> | undefined {
  const s = state();
  s.interestAt = Date.now();
  if (s.timer) return undefined;
  // The read cache polls whether or not anyone watches: its last read counts (a watch that starts
  // again after an idle minute has fresh stamps at once, not only after the next poll).
  const last = lastStampRead();
  if (last) {
    s.cacheStamp = last.stamp;
    s.cacheStampAt = last.at;
    remember(s);
  }
  s.unsubscribe = onStampRead((stamp) => {
    const movedNow = s.cacheStamp !== null && stamp !== s.cacheStamp;
    s.cacheStamp = stamp;
    s.cacheStampAt = Date.now();
    if (movedNow) promptExtra(s);
    emitIfMoved(s);
  });
  s.watchingSince = Date.now();
  s.timer = setInterval(() => {
    // A hung read never returns: the outage is noticed here, before the next read starts.
    tellOutage(s);
    void pollExtra(s);
  }, POLL_MS);
  s.timer.unref();
  return pollExtra(s);
}

/**
 * The stamps, when the database confirmed them within the last FRESH_MS (both the read cache's and
 * ours): only then may "unchanged" be answered from memory. Null otherwise.
 */
export function freshTopics(): Topics | null {
  const s = state();
  const at = Date.now();
  if (!s.cacheStamp || at - s.cacheStampAt > FRESH_MS || at - s.extraAt > FRESH_MS) return null;
  const current = topics(s);
  remember(s, current);
  return current;
}

/**
 * How many stamp parts per topic are remembered: with thousands of apps the credentials' two parts
 * move a few times a second, and a tab's request follows the news it answers within a second or two.
 */
const SEEN_KEPT = 128;

/**
 * Adds the current stamps to those seen, part by part, newest last (a part seen again moves to the
 * end). Called with every read that may move them (emitIfMoved) and whenever they are handed out
 * (freshTopics: a page's render, a memo's key).
 */
function remember(s: State, current: Topics | null = topics(s)) {
  if (!current) return;
  for (const t of Object.keys(current) as Topic[]) {
    const seen = s.seen[t];
    for (const part of current[t].split(".")) {
      if (seen.at(-1) === part) continue;
      const at = seen.indexOf(part);
      if (at >= 0) seen.splice(at, 1);
      seen.push(part);
      if (seen.length > SEEN_KEPT) seen.shift();
    }
  }
}

/**
 * Whether this process has confirmed every stamp `heard` names for `topics` (each part of it): what a tab heard on
 * its change stream, which may come from another instance behind the same load balancer (round
 * robin, no sticky sessions). Only then may the tab be answered from memory. A stamp not seen here
 * means the tab heard of a change this process has not read yet (the other instance polled first),
 * and a 304 from memory would leave it on the old answer until the next change or the safety
 * refetch, minutes later: it is answered from the database instead. Null `heard`: nothing to compare.
 */
export function knowsHeard(heard: Partial<Topics> | null, topicsOfAnswer: readonly Topic[]): boolean {
  if (!heard) return true;
  const { seen } = state();
  return topicsOfAnswer.every((t) => heard[t] === undefined || heard[t].split(".").every((part) => seen[t].includes(part)));
}

/**
 * The stamps of `topics` (joined) that an answer kept in memory may be trusted under, or null: read
 * the database (no fresh stamps, or the tab heard one this process has not seen). The fresh stamps
 * are read first: reading them records them, so a tab that heard them is known.
 */
export function trustedStamp(topics: readonly Topic[], heard: Partial<Topics> | null): string | null {
  const fresh = freshTopics();
  return fresh && knowsHeard(heard, topics) ? topics.map((t) => fresh[t]).join("|") : null;
}

/** The stamps a request says its tab heard (lib/heard-stamps.ts); null without any. */
export function heardOf(req: Request): Partial<Topics> | null {
  return parseHeard(req.headers.get(HEARD_HEADER));
}

/**
 * The stamps a server render hands the browser with its page (components/ui/live-updates.tsx), read
 * before the page reads its data: what the stream says next is then compared with them, and only
 * what moved since is read again, not everything the page came with. Null when they are not
 * confirmed lately (the database does not answer, or this process only just began watching).
 */
export async function pageTopics(): Promise<Topics | null> {
  await watchChanges();
  return freshTopics();
}

/**
 * Whether the database answers the stamp reads, for the stream's pings: null while it does (or while
 * nothing watches), otherwise since when it does not and when it last did. The dashboard then says
 * so (components/ui/database-outage.ts): the server answers, but confirms nothing.
 */
export function databaseOutage(): DatabaseOutage | null {
  const s = state();
  if (!s.timer) return null;
  const at = Date.now();
  // Before this watch's first read answers (it began while the database was down, or that read
  // hangs), the last confirmation is the read cache's: it has polled since the process started, and
  // what the pages show was read then (not "nothing confirmed").
  const confirmedAt = s.confirmedAt ?? lastConfirmedAt()?.getTime() ?? null;
  const hung = confirmedAt !== null && at - s.extraAt > UNREACHABLE_AFTER_MS && at - s.watchingSince > UNREACHABLE_AFTER_MS;
  const since = s.failingSince ?? (hung ? confirmedAt : null);
  if (since === null) return null;
  return { since: new Date(since).toISOString(), confirmedAt: confirmedAt === null ? null : new Date(confirmedAt).toISOString() };
}

/**
 * When (wall clock, Date.now()) the database stopped answering the stamp reads as databaseOutage
 * says it, or null while it answers or nothing watches.
 */
export function databaseDownSinceWall(): number | null {
  const s = state();
  if (!databaseOutage()) return null;
  // Hung before any read of this watch answered: down since the watch began, at the latest.
  return s.failingSinceWall ?? (s.extraAt || s.watchingSince);
}

/** The latest stamps, fresh or not (what the stream last told or would tell). */
export function latestTopics(): Topics | null {
  return topics(state());
}

/** Calls `listener` whenever a topic's stamp moves; returns a function that stops it. */
export function onTopicsChanged(listener: (topics: Topics) => void): () => void {
  const s = state();
  s.listeners.add(listener);
  void watchChanges();
  return () => {
    s.listeners.delete(listener);
    s.interestAt = Date.now();
  };
}

/**
 * Calls `listener` when the database stops answering the stamp reads or answers again (the stream
 * then pings at once instead of at its next heartbeat); returns a function that stops it.
 */
export function onDatabaseOutageChanged(listener: () => void): () => void {
  const s = state();
  s.outageListeners.add(listener);
  return () => void s.outageListeners.delete(listener);
}

/** Reads the supplementary stamp now (tests; the timer does it every POLL_MS otherwise). */
export async function readChangesNow(): Promise<void> {
  await pollExtra(state());
}
