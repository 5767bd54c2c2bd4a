import "server-only";
import type { VendorApp } from "@/generated/sqlite/client";
import type { Served } from "../tickets/serve-credential";

/**
 * The read cache's current snapshot, on globalThis so that every copy of the server modules in
 * the process (the custom server's and Next's bundle) reads the same one. Filled and kept fresh by
 * ./read-cache.ts (started by scripts/serve.ts); absent elsewhere (tests, scripts), where every
 * lookup answers "not cached" and the database is read as before.
 *
 * Only positive answers come from here: something missing from the snapshot (a value, an app, a
 * token issued since the last reload) is looked up in the database.
 */
export type TokenEntry = { appRef: string; appId: string; expiresAt: Date; validUntil: Date | null; current: boolean };
export type Snapshot = {
  stamp: string;
  creds: Map<string, Served & { appRef: string; kind: string }>;
  apps: Map<string, VendorApp>;
  keys: Map<string, { id: string; prefix: string; scope: Set<string>; revoked: boolean; lastUsedAt: Date | null }>;
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
};
const g = globalThis as unknown as { tickethubReadCache?: Store };

export function cacheStore(): Store {
  g.tickethubReadCache ??= { current: null, confirmedAt: 0, maxAgeMs: 0 };
  return g.tickethubReadCache;
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

/** The value serveCredential would return without touching the database, or null. */
export function cachedServed(appRef: string, kind: string, nowMs: number): Served | null {
  const s = freshSnapshot()?.creds.get(`${appRef}:${kind}`);
  if (!s || s.expiresAt.getTime() - nowMs < MIN_CACHED_SECONDS * 1000) return null;
  return { ...s, remainingSeconds: Math.floor((s.expiresAt.getTime() - nowMs) / 1000) };
}

/** An app by vendor and app id, if the snapshot has it. */
export function cachedApp(vendor: string, appId: string): VendorApp | null {
  return freshSnapshot()?.apps.get(`${vendor}:${appId}`) ?? null;
}

/** The app an access token (by keyed hash) was handed out for, if the snapshot knows it and it is still accepted. */
export function cachedTokenOwner(vendor: string, hash: string, nowMs: number): { appRef: string; appId: string } | null {
  const t = freshSnapshot()?.tokens.get(`${vendor}:${hash}`);
  if (!t || t.expiresAt.getTime() <= nowMs || !(t.current || (t.validUntil && t.validUntil.getTime() > nowMs))) return null;
  return { appRef: t.appRef, appId: t.appId };
}

/**
 * Drops the snapshot after this process changed something it holds (a new value, an app, a
 * revoked key): reads go to the database until the next poll reloads it, so this instance reads
 * its own writes at once; other instances catch up within a poll.
 */
export function invalidateReadCache(): void {
  const s = g.tickethubReadCache;
  if (s) s.current = null;
}
