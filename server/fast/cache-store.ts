import "server-only";
import { AsyncLocalStorage } from "node:async_hooks";
import type { VendorApp } from "@/generated/sqlite/client";
import { type CredentialChange, onCredentialsChanged, onKeyRevoked } from "../events";
import { processSingleton } from "../process-state";
import type { Served } from "../tickets/served";

/**
 * The read cache's current snapshot, process-wide (process-state.ts) so that every copy of the server
 * modules in the process (the custom server's and Next's bundle) reads the same one. Filled and kept fresh by
 * ./read-cache.ts (started by scripts/serve.ts); absent elsewhere (tests, scripts), where every
 * lookup answers "not cached" and the database is read as before.
 *
 * Only positive answers come from here: something missing from the snapshot (a value, an app, a
 * token issued since the last reload) is looked up in the database.
 *
 * The last snapshot the database confirmed is also kept (`lastGood`) for when the database cannot
 * be reached: then a value may still be served, but only while it is unexpired and no longer than
 * its vendor's overlap window after the database last confirmed it (another instance may have
 * rotated it since, and the vendor keeps the old value alive only that long).
 */
export type CachedCredential = Served & { appRef: string; kind: string; vendor: string; outageWindowMs: number };
export type TokenEntry = { appRef: string; appId: string; expiresAt: Date; validUntil: Date | null; current: boolean; outageWindowMs: number };
export type Snapshot = {
  stamp: string;
  creds: Map<string, CachedCredential>;
  apps: Map<string, VendorApp>;
  keys: Map<string, { id: string; prefix: string; name: string; scope: Set<string>; revoked: boolean; lastUsedAt: Date | null }>;
  /** Access tokens still accepted (current, or superseded inside their overlap), by keyed hash and vendor. */
  tokens: Map<string, TokenEntry>;
  loadedAt: number;
};

type Store = {
  current: Snapshot | null;
  /** When the database was last seen to match the snapshot (wall-clock ms). */
  confirmedAt: number;
  /** How old that confirmation may be before the snapshot is not trusted (wall-clock ms). */
  maxAgeMs: number;
  /** The last snapshot the database confirmed; kept through this process's own writes and through outages. */
  lastGood: Snapshot | null;
  /** The server time (clock.ts, possibly simulated) of the database's last confirmation of lastGood. */
  lastGoodConfirmedAt: number;
  /** Since when (wall-clock ms) the database does not answer, and why; null while it does. */
  dbDownSince: number | null;
  dbError: string | null;
  /** How many writes this process has heard of (each numbered by this count as it comes). */
  invalidations: number;
  /** How many of them dropped the whole snapshot: a load that began before one must not be installed. */
  fullInvalidations: number;
  /**
   * Apps a write changed since the snapshot was loaded (app id → the write's number, and when this
   * process heard of it, Date.now()): the snapshot does not answer for them until one is installed
   * (or confirmed) whose stamp was read after that write, while it goes on answering for every
   * other app. With thousands of apps a refresh comes every few tens of ms, and dropping the whole
   * snapshot on each sent most reads to the database.
   */
  staleApps: Map<string, { n: number; at: number }>;
  /**
   * Keys (keyed hashes) revoked in this instance since it started: refused even by a snapshot loaded
   * before the revocation (lastGood during an outage that began before the next reload).
   */
  revokedKeys: Set<string>;
};
/** This module copy's reference to the one store (a consumer read asks for it several times). */
let mine: Store | null = null;
export function cacheStore(): Store {
  mine ??= processSingleton<Store>("tickethubReadCache", () => ({
    current: null,
    confirmedAt: 0,
    maxAgeMs: 0,
    lastGood: null,
    lastGoodConfirmedAt: 0,
    dbDownSince: null,
    dbError: null,
    invalidations: 0,
    fullInvalidations: 0,
    staleApps: new Map(),
    revokedKeys: new Set(),
  }));
  return mine;
}

/**
 * The snapshot, if the database was confirmed to match it recently enough: a stalled poll (or a
 * simulated clock running faster than the polls) makes every read go to the database instead.
 */
export function freshSnapshot(): Snapshot | null {
  const s = cacheStore();
  return s.current && Date.now() - s.confirmedAt <= s.maxAgeMs ? s.current : null;
}

/** Below this much life left a read refreshes first (serve-credential's rule), so the cache does not answer. */
export const MIN_CACHED_SECONDS = 60;

/** Whether this process changed the app's values since the snapshot was loaded (the snapshot does not answer for it). */
export function changedSinceLoad(appRef: string): boolean {
  const stale = cacheStore().staleApps;
  return stale.size !== 0 && stale.has(appRef);
}

/** The value serveCredential would return without touching the database, or null. */
export function cachedServed(appRef: string, kind: string, nowMs: number): Served | null {
  if (changedSinceLoad(appRef)) return null;
  const s = freshSnapshot()?.creds.get(`${appRef}:${kind}`);
  if (!s || s.expiresAt.getTime() - nowMs < MIN_CACHED_SECONDS * 1000) return null;
  return servedAt(s, nowMs);
}

function servedAt(s: CachedCredential, nowMs: number): Served {
  return {
    value: s.value,
    expiresAt: s.expiresAt,
    remainingSeconds: Math.floor((s.expiresAt.getTime() - nowMs) / 1000),
    generation: s.generation,
    vendorExpireTime: s.vendorExpireTime,
  };
}

/** An app by vendor and app id, if the snapshot has it. */
export function cachedApp(vendor: string, appId: string): VendorApp | null {
  return freshSnapshot()?.apps.get(`${vendor}:${appId}`) ?? null;
}

/** The app an access token (by keyed hash) was handed out for, if the snapshot knows it and it is still accepted. */
export function cachedTokenOwner(vendor: string, hash: string, nowMs: number): { appRef: string; appId: string } | null {
  const t = freshSnapshot()?.tokens.get(`${vendor}:${hash}`);
  return t && tokenAccepted(t, nowMs) && !changedSinceLoad(t.appRef) ? { appRef: t.appRef, appId: t.appId } : null;
}

function tokenAccepted(t: TokenEntry, nowMs: number): boolean {
  return t.expiresAt.getTime() > nowMs && (t.current || (t.validUntil !== null && t.validUntil.getTime() > nowMs));
}

/**
 * After this process changed something the snapshot holds, so that this instance reads its own
 * writes at once (other instances catch up within a poll): a change to one app's values (a
 * refresh, `change.appRef`) sends that app's reads to the database until the next reload; anything
 * else (an app, a key, a change whose app is unknown) drops the whole snapshot.
 */
export function invalidateReadCache(change?: CredentialChange): void {
  const s = cacheStore();
  s.invalidations++;
  if (change?.appRef && s.current) {
    s.staleApps.set(change.appRef, { n: s.invalidations, at: Date.now() });
    return;
  }
  s.current = null;
  s.fullInvalidations++;
  // The next snapshot installed is loaded after this: it holds every write heard so far.
  s.staleApps.clear();
}

/**
 * A snapshot was installed (or confirmed) for a stamp read after this process had heard of its
 * first `upTo` writes: it holds them (a write is committed before it is heard of). A stamp the
 * other process read and shared (`sharedAskedAt`, when it asked; both processes share a clock) may
 * predate writes heard here before this poll began: it settles only those heard before it asked,
 * and one heard in that same millisecond stays stale.
 */
export function settled(upTo: number, sharedAskedAt: number | null): void {
  const stale = cacheStore().staleApps;
  for (const [app, w] of stale) if (w.n <= upTo && (sharedAskedAt === null || w.at < sharedAskedAt)) stale.delete(app);
}
// The lifecycle announces new values (events.ts) rather than importing this cache.
onCredentialsChanged(invalidateReadCache);
onKeyRevoked((keyHash) => cacheStore().revokedKeys.add(keyHash));

/** Whether this instance revoked the key (by keyed hash) since it started, whatever a snapshot says. */
export function revokedHere(keyHash: string): boolean {
  const revoked = cacheStore().revokedKeys;
  return revoked.size > 0 && revoked.has(keyHash);
}

// ——— When the database cannot be reached ———

/** Whether the read cache's polls currently fail (the database does not answer). */
export function databaseDown(): boolean {
  return cacheStore().dbDownSince !== null;
}

function staleLimitMs(e: { expiresAt: Date; outageWindowMs: number }): number {
  return Math.min(e.expiresAt.getTime(), cacheStore().lastGoodConfirmedAt + e.outageWindowMs);
}

/**
 * The value this instance last confirmed, for a read the database cannot answer: while it is
 * unexpired and inside its vendor's overlap window after the confirmation; otherwise null.
 */
export function staleServed(appRef: string, kind: string, nowMs: number): (Served & { confirmedAt: Date }) | null {
  const s = cacheStore();
  const e = s.lastGood?.creds.get(`${appRef}:${kind}`);
  if (!e || nowMs >= staleLimitMs(e)) return null;
  noteStaleRead();
  return { ...servedAt(e, nowMs), confirmedAt: new Date(s.lastGoodConfirmedAt) };
}

export function staleApp(vendor: string, appId: string): VendorApp | null {
  const app = cacheStore().lastGood?.apps.get(`${vendor}:${appId}`) ?? null;
  if (app) noteStaleRead();
  return app;
}

export function staleKey(keyHash: string) {
  const key = cacheStore().lastGood?.keys.get(keyHash) ?? null;
  if (!key) return null;
  noteStaleRead();
  return revokedHere(keyHash) ? { ...key, revoked: true } : key;
}

export function staleTokenOwner(vendor: string, hash: string, nowMs: number): { appRef: string; appId: string } | null {
  const t = cacheStore().lastGood?.tokens.get(`${vendor}:${hash}`);
  if (!t || !tokenAccepted(t, nowMs) || nowMs >= staleLimitMs(t)) return null;
  noteStaleRead();
  return { appRef: t.appRef, appId: t.appId };
}

/** When the database last confirmed what this instance holds in memory (server time), or null. */
export function lastConfirmedAt(): Date | null {
  const s = cacheStore();
  return s.lastGood ? new Date(s.lastGoodConfirmedAt) : null;
}

/** How many values this instance holds as last confirmed by the database. */
export function heldInMemory(): number {
  return cacheStore().lastGood?.creds.size ?? 0;
}

/** How many values this instance could still serve without the database, now. */
export function servableFromMemory(nowMs: number): number {
  const snap = cacheStore().lastGood;
  if (!snap) return 0;
  let n = 0;
  for (const e of snap.creds.values()) if (nowMs < staleLimitMs(e)) n++;
  return n;
}

// A request's answer says when it was served from memory because the database did not answer. The
// code that falls back (deep in a read) notes it here; the HTTP layer that answers asks afterwards.
const staleReads = processSingleton("tickethubStaleReads", () => new AsyncLocalStorage<{ confirmedAt: Date | null }>());

function noteStaleRead(): void {
  const ctx = staleReads.getStore();
  if (ctx) ctx.confirmedAt = new Date(cacheStore().lastGoodConfirmedAt);
}

/** How many trackStaleReads are running in this process. */
let tracking = 0;

/**
 * Runs `fn`, and says whether anything it read came from memory for want of the database.
 * On Node 20 an AsyncLocalStorage, once run, puts a hook on every promise and async resource the
 * process creates from then on: after the first cold read, each read answered from memory paid for
 * it (~10 % of the read plane's busy time in a profile of the consumer-read bench). So the storage
 * is disabled again whenever no tracked read is running; the next one enables it.
 */
export async function trackStaleReads<T>(fn: () => Promise<T>): Promise<{ value: T; staleSince: Date | null }> {
  const ctx = { confirmedAt: null as Date | null };
  tracking++;
  try {
    const value = await staleReads.run(ctx, fn);
    return { value, staleSince: ctx.confirmedAt };
  } finally {
    if (--tracking === 0) staleReads.disable();
  }
}

/** The header on answers served from memory while the database is unreachable. */
export const STALE_HEADER = "ticket-hub-stale";
export function staleHeaderValue(confirmedAt: Date): string {
  return `database-unreachable; confirmed=${confirmedAt.toISOString()}`;
}
