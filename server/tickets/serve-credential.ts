import "server-only";
import { isVendor, type CredentialKind, type VendorId } from "@/lib/credential-kinds";
import { now, simulatedMs } from "../clock";
import { decrypt, valueHash } from "../crypto";
import { getDb } from "../db";
import { IN_BATCH } from "../db-batch";
import { SingleFlight } from "../single-flight";
import { AppError, DatabaseUnavailableError, isDatabaseUnreachable } from "../errors";
import { cachedServed, cachedTokenOwner, MIN_CACHED_SECONDS, staleServed, staleTokenOwner, type CachedCredential } from "../fast/cache-store";
import { effectiveExpiries, effectiveExpiryOf } from "./effective-expiry";
import { outageWindowSeconds, policyFor } from "./policy";
import { holderAlive, waitForLease } from "./lease";
import { refreshCredential } from "./refresh-credential";
import type { Served } from "./served";

/** Below this much life left, a read refreshes first (the scheduler normally has long before). */
const MIN_SERVE_SECONDS = MIN_CACHED_SECONDS;

// Kept importable from here for the consumer API and proxy; the type lives in ./served.ts (no cycle with the cache).
export type { Served } from "./served";

/** No value that still works and none could be fetched: a consumer should try again shortly. */
export class NotServableError extends AppError {
  constructor(
    message: string,
    readonly failure: string,
    retryAfterSeconds = 5,
  ) {
    super("unavailable", "No valid value", message, { extra: { failure }, retryAfterSeconds });
  }
}

/**
 * The longest a read leaves the vendor alone after a failed refresh, unless the vendor itself said
 * how long (below): the failure policy's longest backoff (failure-policy.ts). Past it a read tries
 * again whatever else set the next refresh (a configuration error stops scheduled refreshes, Ticket
 * Hub's own quota count pauses them to the vendors' day, a refresh started before an app was saved
 * can stop it again), so a credential whose cause is gone (a token renewed, a whitelist fixed at
 * the vendor) comes back through the reads that need it, at most one vendor call per 5 minutes.
 */
const READ_RETRY_CAP_MS = 300_000;
/** Failures whose wait the vendor set (a used-up daily quota, a rate limit's reset, WeChat's "try again in a few minutes"): reads keep all of it. */
const VENDOR_SET_WAIT = new Set(["quota-exhausted", "rate-limited", "busy"]);

/**
 * How long a read must leave the vendor alone: after a failed refresh, until the retry its failure
 * policy set, and for a failure of our own making at most READ_RETRY_CAP_MS after it. Null: a read
 * may call. Without this, a service polling a value that ran out during a vendor outage made one
 * vendor call per read, which is what vendors punish (WeChat 45011, daily caps).
 */
export function readBackoffMs(
  slot: { status: string; lastErrorClass: string | null; lastErrorAt: Date | null; nextRefreshAt: Date | null },
  atMs: number,
): number | null {
  if (slot.status !== "failing" || !slot.lastErrorAt) return null;
  const capped = slot.lastErrorAt.getTime() + READ_RETRY_CAP_MS;
  const next = slot.nextRefreshAt?.getTime() ?? null;
  const until = next === null ? capped : VENDOR_SET_WAIT.has(slot.lastErrorClass ?? "") ? next : Math.min(next, capped);
  return until > atMs ? until - atMs : null;
}

/**
 * The current version and when it really stops working: its own expiry, or for a ticket that dies
 * with its token (FaceID), the end of that token's overlap window once the token was superseded.
 */
async function currentOf(credentialId: string) {
  const db = getDb();
  const slot = await db.credential.findUniqueOrThrow({ where: { id: credentialId }, include: { app: true } });
  const v = slot.currentVersionId ? await db.credentialVersion.findUnique({ where: { id: slot.currentVersionId } }) : null;
  if (!v) return { slot, version: null };
  return { slot, version: { ...v, expiresAt: await effectiveExpiryOf(db, slot.app.vendor, slot.kind, v) } };
}

/**
 * The value to hand out for (app, kind): the stored one while it has life left, otherwise a
 * refresh through the single-flight path first. A failed refresh still serves a value that is valid.
 * A read never waits for a refresh another instance holds while the stored value has life left: the
 * vendor keeps a superseded value valid for its overlap window (FaceID 1 min) for exactly that.
 * When the database cannot be reached, the value this instance last confirmed is served while that
 * is safe (cache-store.ts: staleServed); otherwise DatabaseUnavailableError.
 */
export async function serveCredential({ appRef, kind, fresh = false }: { appRef: string; kind: CredentialKind; fresh?: boolean }): Promise<Served> {
  // The read cache (when this process runs one) answers exactly the case below that needs no refresh;
  // `fresh` reads the database (a caller that knows the value just changed, possibly elsewhere).
  const cached = fresh ? null : cachedServed(appRef, kind, now().getTime());
  if (cached) return cached;
  try {
    return await (fresh ? serveFromDatabase(appRef, kind) : sharedServe(appRef, kind));
  } catch (err) {
    if (!isDatabaseUnreachable(err)) throw err;
    const stale = staleServed(appRef, kind, now().getTime());
    if (stale) return stale;
    throw new DatabaseUnavailableError(`no ${kind} confirmed recently enough is held in memory`);
  }
}

// Reads of one (app, kind) in flight in this process: a herd of cold reads makes one set of queries, not one per read.
const serving = new SingleFlight<Served>();

/**
 * Joins the read of (app, kind) already in flight in this process, or starts one. A joiner gets what
 * the flight found current (at most one flight's time before the joiner asked), with the same rule as
 * any read (at least a minute left, refreshed first otherwise); a value superseded meanwhile stays
 * valid through its vendor's overlap window, as for any read in flight. Without this, 300 concurrent
 * reads on one instance each ran the same eight queries (and waited on the lease) through a pool of
 * a few connections: seconds on PostgreSQL.
 */
function sharedServe(appRef: string, kind: CredentialKind): Promise<Served> {
  return serving.run(`${appRef}:${kind}`, () => serveFromDatabase(appRef, kind));
}

async function serveFromDatabase(appRef: string, kind: CredentialKind): Promise<Served> {
  const slot = await getDb().credential.findUnique({ where: { appRef_kind: { appRef, kind } }, include: { app: { select: { vendor: true } }, lease: true } });
  if (!slot) throw new NotServableError(`the app has no ${kind}`, "bad-config");
  const remaining = (v: { expiresAt: Date } | null) => (v ? Math.floor((v.expiresAt.getTime() - now().getTime()) / 1000) : -1);
  await waitForRefreshThatMayKill(slot);
  const current = await currentOf(slot.id);
  let { version } = current;
  let failure: { failure: string; message: string; retryAfterMs?: number } | null = null;
  if (remaining(version) < MIN_SERVE_SECONDS) {
    const backoffMs = readBackoffMs(current.slot, now().getTime());
    if (backoffMs === null) {
      const result = await refreshCredential({ credentialId: slot.id, reason: "read by a client", need: { type: "stale", minSeconds: MIN_SERVE_SECONDS } });
      if (!result.ok) failure = { failure: result.failure, message: result.message };
      ({ version } = await currentOf(slot.id));
    } else {
      // The last refresh failed and its retry is not due: what is stored is served while valid, and no vendor call is made.
      failure = {
        failure: current.slot.lastErrorClass ?? "network",
        message: current.slot.lastError ?? "the last refresh failed",
        retryAfterMs: backoffMs,
      };
    }
  }
  const left = remaining(version);
  if (!version || left <= 0) {
    const retryAfterSeconds = failure?.retryAfterMs === undefined ? undefined : Math.max(1, Math.ceil(failure.retryAfterMs / 1000));
    throw new NotServableError(failure ? `no valid ${kind}: ${failure.message}` : `no valid ${kind}`, failure?.failure ?? "network", retryAfterSeconds);
  }
  return servedOf(version);
}

/**
 * Below this much guaranteed life, a read waits for a live holder's refresh rather than hand out the
 * value it is about to kill: 10 s, and never less than one second of real time (the answer must still
 * be valid when it reaches the caller, also under a test's compressed clock, where a second of real
 * time is many simulated ones).
 */
function minGuaranteedMs(): number {
  return Math.max(10_000, simulatedMs(1_000));
}

/**
 * A refresh in flight may already have replaced the stored value at the vendor; the old one then
 * lives only its overlap window (FaceID: 60 s; a SIGN ticket dies with its token the same way), so
 * it is guaranteed only until the lease was taken plus that window. While that leaves enough, the
 * stored value is served at once (the usual case: a refresh takes a second). Only when it does not,
 * and the holder is alive (its heartbeat is recent), does a read wait for the new value; a dead
 * holder is never waited for. Values the vendor keeps until they expire (WeChat and Feishu tickets)
 * never wait.
 */
type LeaseRow = { credentialId: string; acquiredAt: Date; heartbeatAt: Date | null; expiresAt: Date };

async function waitForRefreshThatMayKill(slot: { id: string; appRef: string; kind: string; app: { vendor: string }; lease: LeaseRow | null }): Promise<void> {
  const db = getDb();
  const vendor = slot.app.vendor;
  if (!isVendor(vendor)) return;
  const kind = slot.kind as CredentialKind;
  const windowMs = outageWindowSeconds(vendor, kind) * 1000;
  if (!Number.isFinite(windowMs)) return;
  const at = now();
  const leases: LeaseRow[] = slot.lease ? [slot.lease] : [];
  if (policyFor(vendor, kind).refreshWithParent) {
    const token = await db.credential.findUnique({ where: { appRef_kind: { appRef: slot.appRef, kind: "access_token" } }, select: { lease: true } });
    if (token?.lease) leases.push(token.lease);
  }
  for (const lease of leases) {
    if (lease.expiresAt <= at) continue;
    const guaranteedMs = lease.acquiredAt.getTime() + windowMs - at.getTime();
    if (guaranteedMs >= minGuaranteedMs() || !holderAlive(lease, at)) continue;
    await waitForLease(db, lease.credentialId, 5_000);
  }
}

/** The value of a version as reads hand it out, with its remaining life now. */
function servedOf(version: { valueEnc: string; expiresAt: Date; generation: number; vendorExpireTime: string | null }): Served {
  return {
    value: decrypt(version.valueEnc),
    expiresAt: version.expiresAt,
    remainingSeconds: Math.floor((version.expiresAt.getTime() - now().getTime()) / 1000),
    generation: version.generation,
    vendorExpireTime: version.vendorExpireTime,
  };
}

/** Ids per query when many rows are read by id: Prisma refuses more than 999 bound values on SQLite (db-batch.ts). */
const BATCH = IN_BATCH;

/**
 * What serveCredential would hand out without refreshing, for every credential of every enabled
 * app, or only of `appRefs`: the in-process cache of the fast path is filled from this (one
 * implementation of "current", the same effective expiry as currentOf), with how long each may be
 * served from memory should the database stop answering. A few queries whatever the number of
 * credentials: the slots, their current versions (in batches), and the tokens that cap tickets.
 */
export async function servableSnapshot(appRefs?: readonly string[]): Promise<Map<string, CachedCredential>> {
  const db = getDb();
  const out = new Map<string, CachedCredential>();
  if (appRefs && appRefs.length === 0) return out;
  const slots = [];
  for (const refs of appRefs ? chunks(appRefs, BATCH) : [undefined]) {
    slots.push(
      ...(await db.credential.findMany({
        where: { app: { enabled: true }, currentVersionId: { not: null }, ...(refs ? { appRef: { in: refs } } : {}) },
        select: { id: true, appRef: true, kind: true, currentVersionId: true, app: { select: { vendor: true } } },
      })),
    );
  }
  const versions = new Map<string, Awaited<ReturnType<typeof db.credentialVersion.findMany>>[number]>();
  for (const ids of chunks(
    slots.map((s) => s.currentVersionId!),
    BATCH,
  )) {
    for (const v of await db.credentialVersion.findMany({ where: { id: { in: ids } } })) versions.set(v.id, v);
  }
  const items = slots.flatMap((s) => {
    const version = versions.get(s.currentVersionId!);
    return version && version.credentialId === s.id ? [{ slot: s, vendor: s.app.vendor, kind: s.kind, version }] : [];
  });
  const expiries = await effectiveExpiries(db, items);
  for (const { slot: s, vendor, version } of items) {
    if (!isVendor(vendor)) continue;
    const outageWindowMs = outageWindowSeconds(vendor, s.kind as CredentialKind) * 1000;
    const expiresAt = expiries.get(version.id) ?? version.expiresAt;
    out.set(`${s.appRef}:${s.kind}`, { ...servedOf({ ...version, expiresAt }), appRef: s.appRef, kind: s.kind, vendor, outageWindowMs });
  }
  return out;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * The app an access token was handed out for, if that token is still accepted: the current one
 * while unexpired, or a superseded one inside its vendor's overlap window.
 */
export async function findAppByIssuedToken(vendor: VendorId, token: string): Promise<{ appRef: string; appId: string } | null> {
  if (!token || token.length > 2048) return null;
  const at = now();
  const hash = valueHash(token);
  const cached = cachedTokenOwner(vendor, hash, at.getTime());
  if (cached) return cached;
  let versions;
  try {
    versions = await getDb().credentialVersion.findMany({
      where: { valueHash: hash, credential: { kind: "access_token", app: { vendor, enabled: true } } },
      include: { credential: { include: { app: true } } },
    });
  } catch (err) {
    if (!isDatabaseUnreachable(err)) throw err;
    const stale = staleTokenOwner(vendor, hash, at.getTime());
    if (stale) return stale;
    throw new DatabaseUnavailableError("this access token was not confirmed recently enough");
  }
  for (const v of versions) {
    const isCurrent = v.credential.currentVersionId === v.id;
    const inOverlap = v.validUntil !== null && v.validUntil > at;
    if (v.expiresAt > at && (isCurrent || inOverlap)) return { appRef: v.credential.appRef, appId: v.credential.app.appId };
  }
  return null;
}

/** The stored generation of (app, kind), read from the database; null when the app has no such credential. */
export async function storedGeneration(appRef: string, kind: CredentialKind): Promise<{ id: string; generation: number } | null> {
  return getDb().credential.findUnique({ where: { appRef_kind: { appRef, kind } }, select: { id: true, generation: true } });
}
