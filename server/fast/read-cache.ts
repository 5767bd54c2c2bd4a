import "server-only";
import { kindSpec, isVendor } from "@/lib/credential-kinds";
import { now } from "../clock";
import { lastUseIsStale, parseScope } from "../consumer/api-keys";
import { getDb } from "../db";
import { stampRead } from "../events";
import { isDatabaseUnreachable } from "../errors";
import { servableSnapshot } from "../tickets/serve-credential";
import type { Served } from "../tickets/served";
import { getConfig } from "../config";
import { outageWindowSeconds } from "../tickets/policy";
import { cacheStore, cachedServed, databaseDown, freshSnapshot, staleServed, type Snapshot } from "./cache-store";

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
  const at = now();
  const [creds, apps, keys, tokens] = await Promise.all([
    servableSnapshot(),
    db.vendorApp.findMany(),
    db.apiKey.findMany(),
    db.credentialVersion.findMany({
      where: { expiresAt: { gt: at }, credential: { kind: "access_token", app: { enabled: true } } },
      select: {
        id: true,
        valueHash: true,
        expiresAt: true,
        validUntil: true,
        credential: { select: { currentVersionId: true, appRef: true, app: { select: { vendor: true, appId: true } } } },
      },
    }),
  ]);
  const previous = store.current;
  return {
    stamp,
    creds,
    apps: new Map(apps.map((a) => [`${a.vendor}:${a.appId}`, a])),
    keys: new Map(
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
    ),
    tokens: new Map(
      tokens
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
        ]),
    ),
    loadedAt: Date.now(),
  };
}

/**
 * Checks the stamp and reloads when it moved. A failure leaves the fresh snapshot empty (every read
 * goes the slow way) but keeps the last confirmed one for reads the database cannot answer.
 */
export async function pollOnce(): Promise<void> {
  polling ??= (async () => {
    try {
      const askedAt = Date.now();
      const askedNow = now().getTime();
      const stamp = await readStamp();
      stampRead(stamp);
      if (store.current?.stamp === stamp) {
        confirm(store.current, askedAt, askedNow);
      } else {
        const next = await load(stamp);
        // Changed again while loading? Then this snapshot may already be stale: drop it, retry next poll.
        const again = Date.now();
        const againNow = now().getTime();
        if ((await readStamp()) === stamp) {
          store.current = next;
          confirm(next, again, againNow);
        } else {
          store.current = null;
          // Still the newest the database told us: every value in it was current at some moment
          // after `askedNow`, so it may stand in during an outage, counted from then (never later).
          // Without this, a database that changes faster than a load (start-up, many apps) would
          // leave the outage memory behind by minutes.
          store.lastGood = next;
          store.lastGoodConfirmedAt = askedNow;
        }
      }
      if (store.dbDownSince !== null) console.log(`[read-cache] the database answers again after ${Math.round((Date.now() - store.dbDownSince) / 1000)} s`);
      store.dbDownSince = null;
      store.dbError = null;
    } catch (err) {
      store.current = null;
      const message = (err as Error).message.split("\n")[0] ?? String(err);
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
    } finally {
      polling = null;
    }
  })();
  return polling;
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
export function startReadCache(pollMs: number): void {
  if (timer) return;
  store.maxAgeMs = Math.min(2 * pollMs + 100, 5_000 / getConfig().time.scale);
  void pollOnce();
  timer = setInterval(() => void pollOnce(), pollMs);
  timer.unref();
}

export type CacheHit = { keyId: string; touchKey: boolean; appRef: string; kind: string; served: Served; staleSince: Date | null };

/**
 * A consumer read answered from memory, or null when the slow path must answer (unknown or
 * revoked key, app out of scope, nothing cached, too little life left…): every refusal and every
 * refresh stays with the route handler. While the database does not answer, the last confirmed
 * snapshot answers instead, within each value's outage window (cache-store.ts: staleServed).
 */
export function lookup(keyHash: string, vendor: string, appId: string, kind: string): CacheHit | null {
  const fresh = freshSnapshot();
  const snap = fresh ?? (databaseDown() ? store.lastGood : null);
  if (!snap || !isVendor(vendor) || !kindSpec(vendor, kind)) return null;
  const key = snap.keys.get(keyHash);
  const app = snap.apps.get(`${vendor}:${appId}`);
  if (!key || key.revoked || !app || !app.enabled || !key.scope.has(app.id)) return null;
  const at = now().getTime();
  if (fresh) {
    const served = cachedServed(app.id, kind, at);
    if (!served) return null;
    const touch = lastUseIsStale(key.lastUsedAt);
    if (touch) key.lastUsedAt = new Date();
    return { keyId: key.id, touchKey: touch, appRef: app.id, kind, served, staleSince: null };
  }
  const stale = staleServed(app.id, kind, at);
  if (!stale) return null;
  return { keyId: key.id, touchKey: false, appRef: app.id, kind, served: stale, staleSince: stale.confirmedAt };
}
