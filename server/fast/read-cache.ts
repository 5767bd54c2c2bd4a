import "server-only";
import { kindSpec, isVendor } from "@/lib/credential-kinds";
import { now } from "../clock";
import { parseScope } from "../consumer/api-keys";
import { getDb } from "../db";
import { MIN_SERVE_SECONDS_FOR_READS, servableSnapshot, type Served } from "../tickets/serve-credential";

/**
 * The in-process cache behind the fast read path: current credential values, apps and API keys.
 * It is reloaded whenever a cheap "stamp" of the database changes (one query per poll, never one
 * per read): any credential's generation, a refresh lease taken or released, an app changed, a key
 * created or revoked — by this instance or any other on the same database. So a rotation anywhere
 * reaches every instance within one poll interval, and a value is never served past its expiry
 * or once a refresh of it (or of the token it dies with) is under way.
 */
type Snapshot = {
  stamp: string;
  creds: Map<string, Served & { appRef: string; kind: string }>;
  apps: Map<string, { id: string; enabled: boolean }>;
  keys: Map<string, { id: string; prefix: string; scope: Set<string>; revoked: boolean; lastUsedAt: Date | null }>;
  loadedAt: number;
};

let current: Snapshot | null = null;
let timer: NodeJS.Timeout | null = null;
let polling: Promise<void> | null = null;
let stats = { loads: 0, polls: 0, hits: 0, misses: 0 };

async function readStamp(): Promise<string> {
  const rows = await getDb().$queryRawUnsafe<Record<string, unknown>[]>(
    `SELECT (SELECT COALESCE(SUM("generation"), 0) FROM "Credential") AS g,
            (SELECT COUNT(*) FROM "Credential") AS c,
            (SELECT COUNT(*) FROM "RefreshLease") AS l,
            (SELECT MAX("updatedAt") FROM "VendorApp") AS a,
            (SELECT COUNT(*) FROM "VendorApp") AS n,
            (SELECT COUNT(*) FROM "ApiKey") AS k,
            (SELECT COUNT("revokedAt") FROM "ApiKey") AS r`,
  );
  const r = rows[0] ?? {};
  return ["g", "c", "l", "a", "n", "k", "r"].map((k) => String(r[k] instanceof Date ? (r[k] as Date).getTime() : r[k])).join("|");
}

async function load(stamp: string): Promise<Snapshot> {
  const db = getDb();
  const [creds, apps, keys] = await Promise.all([servableSnapshot(), db.vendorApp.findMany({ select: { id: true, vendor: true, appId: true, enabled: true } }), db.apiKey.findMany()]);
  stats.loads++;
  return {
    stamp,
    creds,
    apps: new Map(apps.map((a) => [`${a.vendor}:${a.appId}`, { id: a.id, enabled: a.enabled }])),
    keys: new Map(keys.map((k) => [k.keyHash, { id: k.id, prefix: k.prefix, scope: parseScope(k.appRefs), revoked: !!k.revokedAt, lastUsedAt: k.lastUsedAt }])),
    loadedAt: Date.now(),
  };
}

/** Checks the stamp and reloads when it moved. Errors leave the cache empty (every read goes the slow way). */
export async function pollOnce(): Promise<void> {
  polling ??= (async () => {
    try {
      stats.polls++;
      const stamp = await readStamp();
      if (current?.stamp !== stamp) {
        current = null; // nothing stale is served while the new snapshot loads
        current = await load(stamp);
      }
    } catch (err) {
      current = null;
      console.error(`[read-cache] ${(err as Error).message.split("\n")[0]}`);
    } finally {
      polling = null;
    }
  })();
  return polling;
}

export function startReadCache(pollMs: number): void {
  if (timer) return;
  void pollOnce();
  timer = setInterval(() => void pollOnce(), pollMs);
  timer.unref();
}

export function stopReadCache(): void {
  if (timer) clearInterval(timer);
  timer = null;
  current = null;
}

export type CacheHit = { keyId: string; keyPrefix: string; touchKey: boolean; appRef: string; kind: string; served: Served };

/**
 * A consumer read answered from memory, or null when the slow path must answer (unknown or
 * revoked key, app out of scope, nothing cached, too little life left, a refresh under way…):
 * every refusal and every refresh stays with the route handler.
 */
export function lookup(keyHash: string, vendor: string, appId: string, kind: string): CacheHit | null {
  const snap = current;
  if (!snap || !isVendor(vendor) || !kindSpec(vendor, kind)) return miss();
  const key = snap.keys.get(keyHash);
  const app = snap.apps.get(`${vendor}:${appId}`);
  if (!key || key.revoked || !app || !app.enabled || !key.scope.has(app.id)) return miss();
  const served = snap.creds.get(`${app.id}:${kind}`);
  if (!served) return miss();
  const t = now().getTime();
  if (served.expiresAt.getTime() - t < MIN_SERVE_SECONDS_FOR_READS * 1000) return miss();
  stats.hits++;
  const touch = !key.lastUsedAt || Date.now() - key.lastUsedAt.getTime() > 60_000;
  if (touch) key.lastUsedAt = new Date();
  return { keyId: key.id, keyPrefix: key.prefix, touchKey: touch, appRef: app.id, kind, served };
}

function miss(): null {
  stats.misses++;
  return null;
}

export function readCacheStats() {
  return { ...stats, entries: current?.creds.size ?? 0, ageMs: current ? Date.now() - current.loadedAt : null };
}

export function resetReadCacheStats() {
  stats = { loads: 0, polls: 0, hits: 0, misses: 0 };
}
