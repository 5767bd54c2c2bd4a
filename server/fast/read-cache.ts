import "server-only";
import { kindSpec, isVendor } from "@/lib/credential-kinds";
import { now, simulatedMs } from "../clock";
import { lastUseIsStale, parseScope } from "../consumer/api-keys";
import { getDb } from "../db";
import { inPages } from "../db-batch";
import { stampRead } from "../events";
import { errorLine, isDatabaseUnreachable } from "../errors";
import { onCredentialsChanged } from "../events";
import { wakeScheduler } from "../tickets/scheduler";
import { servableSnapshot } from "../tickets/serve-credential";
import type { Served } from "../tickets/served";
import { newRound, type Sweep, sweepStep } from "../sweep";
import { getConfig } from "../config";
import { outageWindowSeconds } from "../tickets/policy";
import {
  type CachedCredential,
  cacheStore,
  changedSinceLoad,
  MIN_CACHED_SECONDS,
  revokedHere,
  settled,
  staleServed,
  type Snapshot,
  type TokenEntry,
} from "./cache-store";

/**
 * The in-process cache behind the fast read path: current credential values, apps and API keys.
 * It is reloaded whenever a cheap "stamp" of the database changes (one query per poll, never one
 * per read): any credential's generation, a refresh lease taken or released, an app changed, a key
 * created or revoked — by this instance or any other on the same database. So a rotation anywhere
 * reaches every instance within one poll interval, and a value is never served past its expiry
 * or with less than a minute left (then the route handler refreshes first).
 */
const store = cacheStore();
let timer: NodeJS.Timeout | null = null;
let polling: Promise<void> | null = null;
let pollAgain = false;
let soon: NodeJS.Timeout | null = null;
let lastPollAt = 0;
/** When this process last began loading a new stamp (wall clock ms), and the timer of a load put off (a follower's). */
let lastLoadAt = 0;
let deferred: NodeJS.Timeout | null = null;
let pollEveryMs = 250;

/**
 * This process wrote credentials (events.ts): the snapshot was dropped (cache-store.ts), and is
 * reloaded now rather than at the next interval — a reload reads only what changed, so this is
 * cheap, and reads of the new value go back to memory within milliseconds. A poll already running
 * may have read the stamp before the write: another one follows it.
 */
function pollSoon(): void {
  if (!timer || soon) return;
  if (polling) {
    pollAgain = true;
    return;
  }
  // At most one such reload per fifth of the interval: a burst of writes is read in a few loads, not one each.
  soon = setTimeout(
    () => {
      soon = null;
      void pollOnce();
    },
    Math.max(0, lastPollAt + pollEveryMs / 5 - Date.now()),
  );
  soon.unref();
}
let lastStamp = "";

/**
 * A stamp read by the other process of this instance, and when (wall-clock ms, taken before it
 * asked). The read plane shares every stamp it reads with the Next server behind it, which then
 * polls only when none came lately: one stamp query per instance and interval instead of two.
 */
export type SharedStamp = { stamp: string; askedAt: number };
/** When the newest stamp this process used was asked for (its own read or a shared one), wall-clock ms. */
let stampAskedAt = 0;
let shareStamp: ((shared: SharedStamp) => void) | null = null;
let following = false;
/** Which process of the instance this is (read-plane, next), for the log. */
let processName = "";

/** The parts of the stamp, in the order they are joined. */
const STAMP_PARTS = ["g", "c", "u", "l", "a", "n", "v", "k", "r"] as const;
type StampParts = Record<(typeof STAMP_PARTS)[number], string>;

/**
 * Read after every change in both processes of an instance (dozens of times a second with thousands
 * of apps): every part over Credential and VendorApp comes from an index (the migration
 * 20261201165746_change_stamp_indexes), not from their rows.
 */
export const STAMP_SQL = `SELECT (SELECT COALESCE(SUM("generation"), 0) FROM "Credential") AS g,
            (SELECT COUNT(*) FROM "Credential") AS c,
            (SELECT MAX("updatedAt") FROM "Credential") AS u,
            (SELECT COUNT(*) FROM "RefreshLease") AS l,
            (SELECT MAX("updatedAt") FROM "VendorApp") AS a,
            (SELECT COUNT(*) FROM "VendorApp") AS n,
            (SELECT COALESCE(SUM("revision"), 0) FROM "VendorApp") AS v,
            (SELECT COUNT(*) FROM "ApiKey") AS k,
            (SELECT COUNT("revokedAt") FROM "ApiKey") AS r`;

async function readStamp(): Promise<string> {
  const askedAt = Date.now();
  const rows = await getDb().$queryRawUnsafe<Record<string, unknown>[]>(STAMP_SQL);
  const r = rows[0] ?? {};
  if (askedAt > stampAskedAt) stampAskedAt = askedAt;
  return STAMP_PARTS.map((k) => String(r[k] instanceof Date ? (r[k] as Date).getTime() : r[k])).join("|");
}

function partsOf(stamp: string): StampParts {
  const values = stamp.split("|");
  return Object.fromEntries(STAMP_PARTS.map((k, i) => [k, values[i] ?? ""])) as StampParts;
}

/**
 * The parts of a stamp that move when an app or a credential slot is added, changed or removed:
 * not when a value is refreshed (the dashboard's app lists and catalog need no refetch then).
 */
export function appsStampOf(stamp: string): string {
  const p = partsOf(stamp);
  return `${p.c}|${p.a}|${p.n}|${p.v}`;
}

/**
 * Whether `next` differs from `prev` only as refreshes beginning make it: leases taken (more rows
 * in RefreshLease) and credentials marked "in progress" (their newest `updatedAt`), no generation,
 * slot, app or key moved. False for stamps that are not the read cache's (no parts).
 */
export function onlyRefreshesBegan(prev: string, next: string): boolean {
  const p = partsOf(prev);
  const n = partsOf(next);
  if (STAMP_PARTS.some((k) => n[k] === "")) return false;
  return STAMP_PARTS.every((k) => (k === "l" ? Number(n.l) > Number(p.l) : k === "u" || n[k] === p[k]));
}

/**
 * What the last load saw, so that the next one reads only what changed since: every credential's
 * generation (enabled app or not), the newest `updatedAt` of credentials and apps.
 */
type Base = {
  snap: Snapshot;
  gens: Map<string, { appRef: string; generation: number }>;
  /** The keys of snap.creds and snap.tokens by app, so that an app's entries are replaced without a scan. */
  credKeys: Map<string, string[]>;
  tokenKeys: Map<string, string[]>;
  credSince: number;
  appSince: number;
  parts: StampParts;
  /** Where the sweep that reads every app again stands (sweepStep). */
  sweep: Sweep;
  /**
   * The sums of `gens`' generations and of the apps' revisions, kept as they change: what the stamp's
   * sums must equal (addsUp). Summed over every credential at each load, with 3,000 apps they were
   * ~1 % of the Next server's busy time at 12× (a load every ~80 ms).
   */
  genSum: number;
  revSum: number;
};
let base: Base | null = null;

/**
 * Every app's values are read again about this often (wall clock) while loads happen, a few apps at
 * each incremental load (sweepStep, server/sweep.ts): a change the increments missed is repaired, and tokens whose
 * overlap ended leave memory. This used to be a full load every 5 minutes: with 3,000 apps it took
 * the read plane 1.0–2.3 s and the Next server 1.3–4.1 s, and its garbage held the Next server's
 * event loop up to ~300 ms, which started a burst of planned refreshes up to 3.5 s (simulated) late
 * at 12× (bench/scale.ts, 60 simulated minutes). Full loads remain for what increments cannot
 * express: the first load, deletions (the counts fall), sums that do not add up. A round takes
 * longer when loads are rare (at most SWEEP_MAX_APPS an app at each); with no write at all nothing
 * loads, and nothing can drift either. App and key rows are not swept: an app's revision and the
 * keys' count and revocations are in the stamp.
 */
export const sweepTiming = { everyMs: 5 * 60_000 };
/** At most this many apps are swept at one load: after a quiet spell the sweep catches up over several loads, not in one burst. */
const SWEEP_MAX_APPS = 100;

/**
 * Rows are asked for from this long before the newest `updatedAt` the last load saw: a writer sets
 * `updatedAt` before its transaction commits, so a row may appear later with an older time. Rows
 * whose generation did not move are skipped; a change this misses still shows in the stamp's sum
 * of generations, and a full load follows (pollOnce).
 */
export const SINCE_MARGIN_MS = 5_000;

/** How the last load went (for tests and the benchmark): full or incremental, the apps it reread; how many loads so far. */
export const lastLoad = { full: false, apps: 0, swept: 0, credentials: 0, ms: 0, phases: "", count: 0, changedRows: 0 };

/** `p`, and how long it took, noted in lastLoad.phases (the benchmark's log shows where a reload's time goes). */
async function timed<T>(name: string, p: Promise<T>): Promise<T> {
  const started = performance.now();
  const value = await p;
  lastLoad.phases += ` ${name} ${(performance.now() - started).toFixed(1)}`;
  return value;
}

/** Called after each full load (the read plane collects its garbage then: scripts/read-plane.ts). */
let afterFullLoad: (() => void) | null = null;

async function load(stamp: string, full = false): Promise<{ snap: Snapshot; next: Base }> {
  const started = performance.now();
  lastLoad.phases = "";
  lastLoad.changedRows = 0;
  lastLoad.count++;
  const parts = partsOf(stamp);
  const b = base;
  const result =
    full || !b || Number(parts.n) < b.snap.apps.size || Number(parts.c) < b.gens.size ? await loadAll(stamp, parts) : await loadChanged(stamp, parts, b);
  lastLoad.ms = performance.now() - started;
  if (lastLoad.full) afterFullLoad?.();
  if (getConfig().logRefreshes) {
    console.log(
      `[read-cache]${processName ? ` (${processName})` : ""} ${lastLoad.full ? "full" : "incremental"} load: ${lastLoad.apps} apps${lastLoad.swept ? ` (+${lastLoad.swept} swept)` : ""}, ${lastLoad.credentials} values in ${lastLoad.ms.toFixed(1)} ms (ms:${lastLoad.phases}); holds ${result.snap.apps.size} apps`,
    );
  }
  return result;
}

/**
 * Everything, by pages of apps (db-batch.ts: the event loop runs between them): the apps and their
 * credentials' generations first, then the values, then the tokens. A value stored after its
 * generation was read is newer than the generation recorded, and the next load reads its app again
 * (as after a change during an incremental load).
 */
async function loadAll(stamp: string, parts: StampParts): Promise<{ snap: Snapshot; next: Base }> {
  const db = getDb();
  const [ids, keys] = await Promise.all([db.vendorApp.findMany({ select: { id: true } }), db.apiKey.findMany()]);
  const rows = await inPages(
    ids.map((a) => a.id),
    async (refs) => {
      const [apps, gens] = await Promise.all([
        db.vendorApp.findMany({ where: { id: { in: refs } } }),
        db.credential.findMany({ where: { appRef: { in: refs } }, select: { id: true, appRef: true, generation: true, updatedAt: true } }),
      ]);
      return [{ apps, gens }];
    },
  );
  const apps = rows.flatMap((r) => r.apps);
  const gens = rows.flatMap((r) => r.gens);
  const refs = apps.filter((a) => a.enabled).map((a) => a.id);
  const creds = await valuesByPage(refs);
  const tokens = await tokensByPage(refs);
  Object.assign(lastLoad, { full: true, apps: apps.length, swept: 0, credentials: creds.size });
  const snap: Snapshot = {
    stamp,
    creds: new Map(),
    apps: new Map(apps.map((a) => [`${a.vendor}:${a.appId}`, a])),
    keys: keysOf(keys),
    tokens: new Map(),
    loadedAt: Date.now(),
  };
  const credKeys = new Map<string, string[]>();
  const tokenKeys = new Map<string, string[]>();
  putByApp(snap.creds, credKeys, creds);
  putByApp(snap.tokens, tokenKeys, tokens);
  return {
    snap,
    next: {
      snap,
      gens: new Map(gens.map((g) => [g.id, { appRef: g.appRef, generation: g.generation }])),
      genSum: gens.reduce((n, g) => n + g.generation, 0),
      revSum: revisionsOf(snap.apps),
      credKeys,
      tokenKeys,
      credSince: gens.reduce((m, g) => Math.max(m, g.updatedAt.getTime()), 0),
      appSince: apps.reduce((m, a) => Math.max(m, a.updatedAt.getTime()), 0),
      parts,
      sweep: newRound(
        apps.map((a) => a.id),
        Date.now(),
      ),
    },
  };
}

/** The servable values of these apps, read by pages (db-batch.ts). */
async function valuesByPage(refs: string[]): Promise<Map<string, CachedCredential>> {
  return new Map(await inPages(refs, async (page) => [...(await servableSnapshot(page))]));
}

/** The accepted access tokens of these apps, read by pages. */
function tokensByPage(refs: string[]): Promise<[string, TokenEntry][]> {
  return inPages(refs, (page) => tokensOf(page));
}

/** Adds `entries` to `map`, noting each key under its app in `index`. */
function putByApp<E extends { appRef: string }>(map: Map<string, E>, index: Map<string, string[]>, entries: Iterable<[string, E]>) {
  for (const [k, e] of entries) {
    map.set(k, e);
    const keys = index.get(e.appRef);
    if (keys) keys.push(k);
    else index.set(e.appRef, [k]);
  }
}

/** Removes every entry of the `apps` from `map` (by `index`), then adds `entries`. */
function replaceApps<E extends { appRef: string }>(map: Map<string, E>, index: Map<string, string[]>, apps: Set<string>, entries: Iterable<[string, E]>) {
  for (const ref of apps) {
    for (const k of index.get(ref) ?? []) map.delete(k);
    index.delete(ref);
  }
  putByApp(map, index, entries);
}

/**
 * Only what changed since `b`: the credentials whose generation moved and the apps that changed
 * (each such app's credentials and tokens are read again, all of them in a few queries), the API
 * keys if their count or revocations moved, and the apps whose turn in the sweep has come (read
 * again as if changed). Deletions go through loadAll (the counts fall).
 *
 * The values and tokens are replaced in b's maps, in place and by app (the indexes), after every
 * query has answered: a reload costs what changed, not a copy of 7,000 entries (which with 3,000
 * apps made a one-app reload ~30 ms and fed the garbage collector twice a second). That is safe
 * because every load's snapshot takes over from the one before it, whatever pollOnce then does
 * with it (current, lastGood, or lastGood only), and a failed load changes nothing: the generations
 * it saw are only recorded together with the values.
 */
async function loadChanged(stamp: string, parts: StampParts, b: Base): Promise<{ snap: Snapshot; next: Base }> {
  const db = getDb();
  const dirty = new Set<string>();
  const moved: [string, { appRef: string; generation: number }][] = [];
  let credSince = b.credSince;
  if (parts.g !== b.parts.g || parts.c !== b.parts.c || parts.u !== b.parts.u) {
    const since = (where: { gt: Date } | { gte: Date }) =>
      db.credential.findMany({ where: { updatedAt: where }, select: { id: true, appRef: true, generation: true, updatedAt: true } });
    // The rows written since the newest one seen first: the few a change since the last load wrote.
    // Only when they do not add up to the stamp's sum and count (a write that committed after a newer
    // one, another host's clock behind) are the last SINCE_MARGIN_MS read again. Those hold every row
    // written in that time: after an import of 3,000 apps, all 6,759 of them, and a one-app reload
    // took 20-50 ms reading them (bench/scale.ts, the first seconds of its hour).
    // (Strictly newer: an import writes thousands of rows within one millisecond.)
    let rows = await timed("changed", since({ gt: new Date(b.credSince) }));
    if (!accountsFor(b, rows, parts)) rows = await timed("margin", since({ gte: new Date(b.credSince - SINCE_MARGIN_MS) }));
    lastLoad.changedRows = rows.length;
    for (const r of rows) {
      if (r.updatedAt.getTime() > credSince) credSince = r.updatedAt.getTime();
      if (b.gens.get(r.id)?.generation === r.generation) continue;
      moved.push([r.id, { appRef: r.appRef, generation: r.generation }]);
      dirty.add(r.appRef);
    }
  }
  let apps = b.snap.apps;
  let appSince = b.appSince;
  if (parts.a !== b.parts.a || parts.n !== b.parts.n || parts.v !== b.parts.v) {
    const changed = await timed("apps", db.vendorApp.findMany({ where: { updatedAt: { gte: new Date(b.appSince - SINCE_MARGIN_MS) } } }));
    // By revision, not updatedAt: two updates within one millisecond leave the same updatedAt.
    const fresh = changed.filter((a) => b.snap.apps.get(`${a.vendor}:${a.appId}`)?.revision !== a.revision);
    if (fresh.length) {
      apps = new Map(apps);
      // An app whose vendor or app id changed leaves its old key behind.
      const ids = new Set(fresh.map((a) => a.id));
      for (const [k, a] of apps) if (ids.has(a.id)) apps.delete(k);
      for (const a of fresh) {
        apps.set(`${a.vendor}:${a.appId}`, a);
        dirty.add(a.id);
      }
    }
    for (const a of changed) if (a.updatedAt.getTime() > appSince) appSince = a.updatedAt.getTime();
  }
  // The apps whose turn in the sweep has come are read again with the changed ones, their generations too.
  const changedApps = dirty.size;
  const { due, sweep } = sweepStep(b.sweep, () => [...apps.values()].map((a) => a.id), Date.now(), sweepTiming.everyMs, SWEEP_MAX_APPS);
  if (due.length) {
    const rows = await timed("sweep", db.credential.findMany({ where: { appRef: { in: due } }, select: { id: true, appRef: true, generation: true } }));
    for (const r of rows) if (b.gens.get(r.id)?.generation !== r.generation) moved.push([r.id, { appRef: r.appRef, generation: r.generation }]);
    for (const ref of due) dirty.add(ref);
  }
  const keysChanged = parts.k !== b.parts.k || parts.r !== b.parts.r;
  const refs = [...dirty];
  const [creds, tokens, keys] = await Promise.all([
    // By pages, as a full load: an import of thousands of apps between two polls is one increment,
    // and in one go it would hold the event loop as long as a full load does. (Its ids in batches
    // of 2,000 passed SQLite's parameter limit: that load failed at every poll until the next full
    // one, and every read went to the database meanwhile; serve-credential.ts now batches by 500.)
    refs.length ? timed("values", valuesByPage(refs)) : null,
    refs.length ? timed("tokens", tokensByPage(refs)) : null,
    keysChanged ? timed("keys", db.apiKey.findMany()) : null,
  ]);
  const merging = performance.now();
  Object.assign(lastLoad, { full: false, apps: changedApps, swept: refs.length - changedApps, credentials: creds?.size ?? 0 });
  let genSum = b.genSum;
  for (const [id, g] of moved) {
    genSum += g.generation - (b.gens.get(id)?.generation ?? 0);
    b.gens.set(id, g);
  }
  if (creds) replaceApps(b.snap.creds, b.credKeys, dirty, creds);
  if (tokens) replaceApps(b.snap.tokens, b.tokenKeys, dirty, tokens);
  const snap: Snapshot = { ...b.snap, stamp, apps, loadedAt: Date.now() };
  if (keys) snap.keys = keysOf(keys);
  lastLoad.phases += ` merge ${(performance.now() - merging).toFixed(1)}`;
  return { snap, next: { ...b, snap, credSince, appSince, parts, genSum, revSum: apps === b.snap.apps ? b.revSum : revisionsOf(apps), sweep } };
}

/**
 * Whether `b` with these rows' generations makes the stamp's sum of generations and count of
 * credentials, and no row is newer than the stamp's newest updatedAt: one written after the stamp
 * was read could make up for one that committed late and was missed (the sums would match by chance).
 */
function accountsFor(b: Base, rows: readonly { id: string; generation: number; updatedAt: Date }[], parts: StampParts): boolean {
  const newest = /^-?\d+$/.test(parts.u) ? Number(parts.u) : Date.parse(parts.u);
  let sum = b.genSum;
  let count = b.gens.size;
  for (const r of rows) {
    if (!(r.updatedAt.getTime() <= newest)) return false;
    const had = b.gens.get(r.id);
    sum += r.generation - (had?.generation ?? 0);
    if (!had) count++;
  }
  return String(sum) === parts.g && String(count) === parts.c;
}

/** The sum of the apps' revisions (VendorApp.revision, +1 on every update). */
function revisionsOf(apps: Snapshot["apps"]): number {
  let n = 0;
  for (const a of apps.values()) n += a.revision;
  return n;
}

/** Whether what a load holds adds up to the stamp it was loaded for (else a change was missed). */
function addsUp(next: Base): boolean {
  return (
    String(next.genSum) === next.parts.g &&
    String(next.gens.size) === next.parts.c &&
    String(next.snap.apps.size) === next.parts.n &&
    String(next.revSum) === next.parts.v
  );
}

function keysOf(keys: Awaited<ReturnType<ReturnType<typeof getDb>["apiKey"]["findMany"]>>): Snapshot["keys"] {
  const previous = store.current ?? store.lastGood;
  return new Map(
    keys.map((k) => [
      k.keyHash,
      {
        id: k.id,
        prefix: k.prefix,
        name: k.name,
        scope: parseScope(k.appRefs),
        revoked: !!k.revokedAt,
        lastUsedAt: previous?.keys.get(k.keyHash)?.lastUsedAt ?? k.lastUsedAt,
      },
    ]),
  );
}

/** Access tokens still accepted (current, or superseded inside their overlap), of every enabled app or of `appRefs`. */
async function tokensOf(appRefs?: string[]): Promise<[string, TokenEntry][]> {
  const at = now();
  const tokens = await getDb().credentialVersion.findMany({
    where: { expiresAt: { gt: at }, credential: { kind: "access_token", app: { enabled: true }, ...(appRefs ? { appRef: { in: appRefs } } : {}) } },
    select: {
      id: true,
      valueHash: true,
      expiresAt: true,
      validUntil: true,
      credential: { select: { currentVersionId: true, appRef: true, app: { select: { vendor: true, appId: true } } } },
    },
  });
  return tokens
    .filter((v) => v.credential.currentVersionId === v.id || (v.validUntil && v.validUntil > at))
    .map((v) => [
      `${v.credential.app.vendor}:${v.valueHash}`,
      {
        appRef: v.credential.appRef,
        appId: v.credential.app.appId,
        expiresAt: v.expiresAt,
        validUntil: v.validUntil,
        current: v.credential.currentVersionId === v.id,
        outageWindowMs: isVendor(v.credential.app.vendor) ? outageWindowSeconds(v.credential.app.vendor, "access_token") * 1000 : 0,
      },
    ]);
}

/**
 * Checks the stamp and reloads when it moved. A failure leaves the fresh snapshot empty (every read
 * goes the slow way) but keeps the last confirmed one for reads the database cannot answer.
 */
export async function pollOnce(shared?: SharedStamp): Promise<void> {
  // A shared stamp older than one this process has used already says nothing new: were it taken,
  // a snapshot loaded since would be compared with it and dropped.
  if (shared && (polling || shared.askedAt <= stampAskedAt)) return polling ?? undefined;
  polling ??= (async () => {
    lastPollAt = Date.now();
    try {
      const askedAt = shared?.askedAt ?? Date.now();
      // That moment on this process's own (database) clock.
      const askedNow = now().getTime() - simulatedMs(Date.now() - askedAt);
      // A write in this process (or relayed from its other process) while this poll runs drops the
      // snapshot; the load may have read the database before that write, so it must not be installed.
      // (A shared stamp was read before it arrived: a write here since then has dropped the snapshot
      // already, and whatever is loaded now is read after that write.)
      const invalidations = store.invalidations;
      const full = store.fullInvalidations;
      const sharedAskedAt = shared?.askedAt ?? null;
      let stamp: string;
      if (shared) {
        stamp = shared.stamp;
        stampAskedAt = shared.askedAt;
      } else {
        stamp = await readStamp();
        shareStamp?.({ stamp, askedAt });
      }
      stampRead(stamp);
      if (stamp !== lastStamp) {
        // Something changed in the database (any instance): a refresh may now be planned earlier.
        lastStamp = stamp;
        wakeScheduler();
      }
      if (store.current?.stamp === stamp) {
        if (store.fullInvalidations === full) {
          confirm(store.current, askedAt, askedNow);
          // The database still matched the snapshot after the writes heard before the stamp was read: it holds them.
          settled(invalidations, sharedAskedAt);
        }
      } else if (following && store.current && Date.now() - lastLoadAt < pollEveryMs) {
        // A follower (the Next server behind a read plane) loads at most once per interval. The read
        // plane answers the consumer reads; this copy serves the few that reach this process and the
        // refreshes' own reads. Yet it loaded at every stamp the read plane shared, after nearly every
        // refresh: with 3,000 apps at 12×, ~18 loads a second (bench/scale.ts: 1,843 in 100 s, 13.5 s
        // in all) beside the scheduler's work. Meanwhile its writes' apps stay marked (staleApps),
        // and the snapshot stays trusted only as long as a confirmed one (maxAgeMs).
        deferLoad();
      } else {
        lastLoadAt = Date.now();
        let loaded = await load(stamp);
        // Changed again while loading? Then this snapshot may already be stale: drop it, retry next poll.
        let again = Date.now();
        let againNow = now().getTime();
        let stampNow = await readStamp();
        if (stampNow === stamp && !addsUp(loaded.next)) {
          // The database held still, yet the increments do not add up to it: a change was missed. Read everything.
          loaded = await load(stamp, true);
          again = Date.now();
          againNow = now().getTime();
          stampNow = await readStamp();
        }
        base = loaded.next;
        const next = loaded.snap;
        if (stampNow === stamp && store.fullInvalidations === full) {
          // The one place a new stamp takes effect. An app written here while it loaded stays stale (staleApps).
          store.current = next;
          settled(invalidations, sharedAskedAt);
          confirm(next, again, againNow);
        } else if (stampNow === stamp) {
          // Confirmed by the database, but a write here overtook it: good for an outage, not for reads.
          store.lastGood = next;
          store.lastGoodConfirmedAt = askedNow;
        } else if (store.fullInvalidations === full) {
          // The database moved while this loaded (another instance wrote). Every value loaded was
          // current at some moment after the stamp was asked: as fresh as a snapshot confirmed then,
          // which is all a poll interval promises anyway. So it is installed, confirmed as of
          // `askedAt` (it ages out like any other), and the next poll loads the newer change. Dropping
          // it instead left the fast path off for good once changes came faster than a load (with
          // 3,000 apps nearly every poll: bench/scale.ts served 60 reads in 100 s).
          store.current = next;
          settled(invalidations, sharedAskedAt);
          confirm(next, askedAt, askedNow);
        } else {
          store.current = null;
          // Still the newest the database told us: every value in it was current at some moment
          // after `askedNow`, so it may stand in during an outage, counted from then (never later).
          store.lastGood = next;
          store.lastGoodConfirmedAt = askedNow;
        }
      }
      if (store.dbDownSince !== null) console.log(`[read-cache] the database answers again after ${Math.round((Date.now() - store.dbDownSince) / 1000)} s`);
      store.dbDownSince = null;
      store.dbError = null;
    } catch (err) {
      store.current = null;
      const message = errorLine(err);
      if (!isDatabaseUnreachable(err)) {
        // Not an outage (the database answered with an error): reads go the slow way, nothing is served stale.
        console.error(`[read-cache] ${message}`);
        return;
      }
      if (store.dbDownSince === null) {
        store.dbDownSince = Date.now();
        console.error(`[read-cache] the database does not answer (${message}); serving what it last confirmed, within each vendor's overlap window`);
      }
      store.dbError = message;
    }
  })().finally(() => {
    // Here, not in the body: a poll of a shared stamp may finish without awaiting anything, before
    // `polling` is even assigned (it would then stay set, and every later poll would join a finished one).
    polling = null;
    if (pollAgain) {
      pollAgain = false;
      pollSoon();
    }
  });
  return polling;
}

/** A load put off by a follower, done one interval after the last (with a stamp read then). */
function deferLoad(): void {
  if (deferred) return;
  deferred = setTimeout(
    () => {
      deferred = null;
      if (polling) pollAgain = true;
      else void pollOnce();
    },
    Math.max(0, lastLoadAt + pollEveryMs - Date.now()),
  );
  deferred.unref();
}

/** The database matched `snap` at `wallMs` (server time `serverMs`): trust it, and keep it for an outage. */
function confirm(snap: Snapshot, wallMs: number, serverMs: number) {
  store.confirmedAt = wallMs;
  store.lastGood = snap;
  store.lastGoodConfirmedAt = serverMs;
}

/**
 * Starts polling. A snapshot is trusted for two poll intervals after the database last matched it,
 * and never for more than 5 s of the (possibly simulated) clock, which is far inside every vendor's
 * overlap window (1 minute at the shortest).
 */
export function startReadCache(
  pollMs: number,
  opts: { name?: string; share?: (shared: SharedStamp) => void; follow?: boolean; afterFullLoad?: () => void } = {},
): void {
  if (timer) return;
  afterFullLoad = opts.afterFullLoad ?? null;
  store.maxAgeMs = Math.min(2 * pollMs + 100, 5_000 / getConfig().time.scale);
  pollEveryMs = pollMs;
  shareStamp = opts.share ?? null;
  following = opts.follow ?? false;
  processName = opts.name ?? "";
  void pollOnce();
  // A follower (the Next server behind a read plane, fed by stampShared) reads the stamp itself only
  // when no shared one came for one and a half intervals: the read plane stalled, or its reads fail
  // (the database is down: this process must notice that on its own).
  timer = setInterval(() => {
    if (following && Date.now() - stampAskedAt < pollMs * 1.5) return;
    void pollOnce();
  }, pollMs);
  timer.unref();
  // A follower hears of its own writes' stamps from the read plane, which polls soon after each (relayed over IPC).
  if (!following) onCredentialsChanged(pollSoon);
}

/** A stamp the other process of this instance read (see SharedStamp): taken instead of reading one. */
export function stampShared(shared: SharedStamp): void {
  if (timer && following) void pollOnce(shared);
}

/** What a consumer read's URL names, resolved once per URL (server/http/fast-path.ts keeps them). */
export type ReadTarget = {
  vendor: string;
  appId: string;
  kind: string;
  /** The snapshot's key of the app (`vendor:appId`). */
  appKey: string;
  /** Whether the vendor and kind exist at all (else only the route handler answers, with its 404). */
  known: boolean;
  /** The snapshot's key of the value (`appRef:kind`), for the app it was last resolved to. */
  credKey: string;
  credKeyOf: string;
};

export function readTarget(vendor: string, appId: string, kind: string): ReadTarget {
  return { vendor, appId, kind, appKey: `${vendor}:${appId}`, known: isVendor(vendor) && !!kindSpec(vendor, kind), credKey: "", credKeyOf: "" };
}

/** The parts of a value a read answers with (a cached value, or one served stale through an outage). */
export type HitValue = Pick<Served, "value" | "expiresAt" | "generation">;
export type CacheHit = { keyId: string; touchKey: boolean; appRef: string; kind: string; served: HitValue; staleSince: Date | null };

/**
 * A consumer read answered from memory, or null when the slow path must answer (unknown or
 * revoked key, app out of scope, nothing cached, too little life left…): every refusal and every
 * refresh stays with the route handler. While the database does not answer, the last confirmed
 * snapshot answers instead, within each value's outage window (cache-store.ts: staleServed).
 * `at`: the server time of the read (ms). Synchronous, and on a hit it allocates only the hit.
 */
export function lookup(keyHash: string, t: ReadTarget, at: number): CacheHit | null {
  if (!t.known) return null;
  const current = store.current;
  const fresh = current !== null && Date.now() - store.confirmedAt <= store.maxAgeMs ? current : null;
  const snap = fresh ?? (store.dbDownSince !== null ? store.lastGood : null);
  if (!snap) return null;
  const key = snap.keys.get(keyHash);
  const app = snap.apps.get(t.appKey);
  if (!key || key.revoked || !app || !app.enabled || !key.scope.has(app.id) || revokedHere(keyHash)) return null;
  if (fresh) {
    if (changedSinceLoad(app.id)) return null;
    if (t.credKeyOf !== app.id) {
      t.credKey = `${app.id}:${t.kind}`;
      t.credKeyOf = app.id;
    }
    const served = fresh.creds.get(t.credKey);
    if (!served || served.expiresAt.getTime() - at < MIN_CACHED_SECONDS * 1000) return null;
    const touch = lastUseIsStale(key.lastUsedAt, at);
    if (touch) key.lastUsedAt = new Date(at);
    return { keyId: key.id, touchKey: touch, appRef: app.id, kind: t.kind, served, staleSince: null };
  }
  const stale = staleServed(app.id, t.kind, at);
  if (!stale) return null;
  return { keyId: key.id, touchKey: false, appRef: app.id, kind: t.kind, served: stale, staleSince: stale.confirmedAt };
}
