import "server-only";
import { randomUUID } from "node:crypto";
import { isVendor, kindSpec } from "@/lib/credential-kinds";
import { sentence } from "@/lib/sentence";
import { vendorContext } from "../apps/vendor-context";
import { now } from "../clock";
import { getConfig } from "../config";
import { getDb, type Db } from "../db";
import { errorLine } from "../errors";
import { credentialsChanged, refreshFailed } from "../events";
import { countRefresh } from "../metrics/registry";
import { processSingleton } from "../process-state";
import { endpointFor, pauseForQuota, quotaBlock } from "../quota/quota";
import { failureMessageOf, failureOf, VendorError, type FailureClass } from "../vendors/types";
import { fetchWithParent } from "./fetch-with-parent";
import { acquireLease, keepLeaseAlive, releaseLease, waitForLease } from "./lease";
import { parsePolicyOverrides } from "./policy";
import { type AppSettings, recordFailure } from "./record-failure";
import { english, sentenceOf } from "./sentences";
import type { AuditNote, Need, RefreshResult } from "./refresh-types";
import { GenerationConflict, storeVersion } from "./store-version";

export type { AuditNote, Need, RefreshResult } from "./refresh-types";

export class NotFoundError extends Error {}

// Process-wide (process-state.ts): a refresh started by Next's copy of this module (a read) and one
// started by another copy (the scheduler) are one flight, and the scheduler sees what already runs.
const running = processSingleton("tickethubRefreshes", () => new Map<string, Promise<RefreshResult>>());

/** Whether this process is refreshing the credential right now. */
export function refreshing(credentialId: string): boolean {
  return running.has(credentialId);
}

/** This process's refresh of the credential, if one runs: settles once it has ended (its lease let go). */
export function refreshRunning(credentialId: string): Promise<unknown> | undefined {
  return running.get(credentialId);
}

/**
 * Fetches a new value for one credential, at most once at a time across every process:
 * callers in this process share one promise; other processes wait on the database lease, then
 * read what the holder stored, or take over if the holder died. Used by the scheduler, the
 * Refresh button and the proxy.
 *
 * This file is the orchestration (single flight, lease, quota gate, metrics); the steps live beside
 * it: fetch-with-parent.ts (the vendor call and parent-token renewal), store-version.ts (the
 * compare-and-set write), record-failure.ts with failure-policy.ts (when to try again).
 */
export function refreshCredential(args: { credentialId: string; reason: string; need?: Need; audit?: AuditNote }): Promise<RefreshResult> {
  const inFlight = running.get(args.credentialId);
  // Joined: the running refresh wrote its own caller's audit row, not this one's.
  if (inFlight) return inFlight.then((r) => ({ ...r, joined: true, audited: false }));
  const p = runRefresh(getDb(), { ...args, need: args.need ?? { type: "always" } }).finally(() => running.delete(args.credentialId));
  running.set(args.credentialId, p);
  // Tickets that die with a renewed token are fetched with the new one right away, in the
  // background once this refresh has let go of its lease: awaiting them here could deadlock with
  // a ticket refresh that is itself waiting for this token.
  return p.then((r) => {
    for (const id of r.ok ? (r.boundTickets ?? []) : []) {
      refreshCredential({ credentialId: id, reason: "token rotated", need: { type: "due" } }).catch((err: unknown) =>
        console.error(`[refresh] cascade to ${id}: ${err instanceof Error ? err.message : String(err)}`),
      );
    }
    return r;
  });
}

/** Whether a refresh of this credential is running in this process: a call now joins it (and makes no vendor call of its own). */
export function refreshInFlight(credentialId: string): boolean {
  return running.has(credentialId);
}

/** Whether the credential, as just read, still needs the refresh its caller asked for. */
async function stillNeeded(db: Db, slot: { nextRefreshAt: Date | null; generation: number; currentVersionId: string | null }, need: Need): Promise<boolean> {
  if (need.type === "always") return true;
  if (need.type === "due") return slot.nextRefreshAt !== null && slot.nextRefreshAt <= now();
  if (need.type === "ifGeneration") return slot.generation === need.generation;
  const v = slot.currentVersionId ? await db.credentialVersion.findUnique({ where: { id: slot.currentVersionId } }) : null;
  if (!v || v.id === need.refusedVersionId) return true;
  return v.expiresAt.getTime() - now().getTime() < need.minSeconds * 1000;
}

async function runRefresh(
  db: Db,
  { credentialId, reason, need, audit }: { credentialId: string; reason: string; need: Need; audit?: AuditNote },
): Promise<RefreshResult> {
  const owner = `${getConfig().instanceId}:${randomUUID()}`;
  // Up to two tries for the lease: the second one takes over from a holder that died.
  for (let attempt = 0; attempt < 2; attempt++) {
    if (await leaseOf(db, credentialId, owner)) break;
    const holder = await db.refreshLease.findUnique({ where: { credentialId }, select: { acquiredAt: true } });
    const before = await db.credential.findUniqueOrThrow({ where: { id: credentialId }, select: { generation: true, lastErrorAt: true } });
    await waitForLease(db, credentialId, getConfig().leaseTtlMs + 1_000);
    const slot = await db.credential.findUniqueOrThrow({ where: { id: credentialId } });
    const sameGeneration = slot.generation === before.generation;
    // The holder (another instance) called the vendor and recorded a failure that set a wait (a
    // backoff, the vendor's Retry-After, a stop): its answer is this call's too. Calling again at once
    // would add a call to a failing vendor per waiting instance, against that wait. A holder that died
    // records nothing; one whose settings an admin replaced meanwhile leaves the credential due now
    // (record-failure.ts): then this refresh calls, with the new settings. Its failure is the one
    // recorded while this refresh waited (a new lastErrorAt), or one stamped since it took the lease,
    // which covers a failure recorded between the lease refused here and `before`'s read. Either
    // alone is not enough: the holder's clock may be stepped back between its lease and its failure.
    // (A failing holder releases its lease after recording its failure, not in the same transaction
    // as it, unlike a value: its row is still there to compare with.)
    const failedAt = slot.lastErrorAt?.getTime();
    const holderFailed =
      sameGeneration &&
      failedAt !== undefined &&
      (failedAt !== before.lastErrorAt?.getTime() || (holder !== null && failedAt >= holder.acquiredAt.getTime())) &&
      (slot.nextRefreshAt === null || slot.nextRefreshAt > now());
    if (!sameGeneration || holderFailed || !(await stillNeeded(db, slot, need)) || attempt === 1) {
      return slot.status === "failing" && slot.lastError && sameGeneration
        ? { credentialId, ok: false, joined: true, failure: (slot.lastErrorClass ?? "network") as FailureClass, message: slot.lastError }
        : { credentialId, ok: true, joined: true };
    }
  }
  let slotVendor: string | undefined;
  let slotKind: string | undefined;
  let slotAppRef: string | undefined;
  let slotAppSettings: AppSettings | undefined;
  let failed = false;
  /** Released with the value (storeVersion's transaction), where one was stored. */
  let released = false;
  const stopHeartbeat = keepLeaseAlive(db, credentialId, owner);
  try {
    // Read once the lease is held: what another holder stored before letting go is seen here.
    const slot = await db.credential.findUnique({ where: { id: credentialId }, include: { app: true } });
    if (!slot) throw new NotFoundError(`credential ${credentialId} does not exist`);
    if (!(await stillNeeded(db, slot, need))) return { credentialId, ok: true, joined: true };
    const vendor = slot.app.vendor;
    slotVendor = vendor;
    slotKind = slot.kind;
    slotAppRef = slot.appRef;
    slotAppSettings = slot.app;
    const spec = isVendor(vendor) ? kindSpec(vendor, slot.kind) : undefined;
    if (!isVendor(vendor) || !spec) throw new VendorError("bad-config", `unknown credential ${vendor} ${slot.kind}`);
    // A used-up daily quota pauses scheduled calls to that endpoint until the vendor's reset; a
    // person (the Refresh button) or a client that needs a value may still try.
    if (need.type === "due") {
      const blocked = await quotaBlock(db, slot.app, endpointFor(slot.app, spec.kind), now());
      if (blocked) {
        await pauseForQuota(db, credentialId, slot.app, blocked);
        return { credentialId, ok: false, joined: false, failure: "quota-exhausted", message: blocked.reason };
      }
    }
    // A scheduled refresh keeps its rhythm from the time it was due, not from when it ran.
    const dueAt = need.type === "due" && slot.nextRefreshAt ? slot.nextRefreshAt : null;
    // Should this instance die mid-call, the credential is due and another instance takes over once the lease expires.
    // (updateMany: nothing read back, where `update` would return the whole row.)
    const marked = await db.credential.updateMany({
      where: { id: credentialId },
      data: { nextRefreshAt: now(), nextRefreshReason: english(sentence("reason.inProgress", { trigger: sentenceOf(reason, "trigger") })) },
    });
    // Deleted since it was read (its app removed): no vendor call for it.
    if (marked.count === 0) throw new NotFoundError(`credential ${credentialId} does not exist`);
    const ctx = vendorContext(db, slot.app, slot.id);
    const startedAt = now();

    const { fetched, parentVersionId } = await fetchWithParent({
      db,
      app: slot.app,
      vendor,
      kind: spec.kind,
      parentKind: spec.parent,
      ctx,
      previous: { lastErrorClass: slot.lastErrorClass, consecutiveFailures: slot.consecutiveFailures },
      refresh: refreshCredential,
    });
    if (getConfig().logRefreshes) {
      console.log(
        `[refresh] ${getConfig().instanceId} ${vendor} ${spec.kind} gen ${slot.generation + 1} (${reason}, need ${need.type}) at ${startedAt.toISOString()}`,
      );
    }
    const stored = await storeVersion(db, {
      slot,
      app: slot.app,
      vendor,
      kind: spec.kind,
      fetched,
      fetchedAt: startedAt,
      dueAt,
      parentVersionId,
      reason,
      overrides: parsePolicyOverrides(slot.app.policy),
      audit,
      leaseOwner: owner,
    });
    released = true;
    // Credentials whose quota pause this success lifted may be due now: then more than this one changed.
    credentialsChanged(stored.lifted ? undefined : { credentialId, nextRefreshAt: stored.nextRefreshAt, appRef: slot.appRef });
    countRefresh({ vendor, kind: spec.kind, outcome: "success", class: "none" });
    return { credentialId, ok: true, joined: false, boundTickets: stored.boundTickets, audited: !!audit };
  } catch (err) {
    if (err instanceof GenerationConflict) {
      if (getConfig().logRefreshes)
        console.log(`[refresh] ${getConfig().instanceId} ${slotVendor} ${slotKind}: another writer stored a newer generation first`);
      return { credentialId, ok: true, joined: true, vendorCalled: true };
    }
    if (err instanceof NotFoundError) throw err;
    const failure: FailureClass = failureOf(err);
    const message = failureMessageOf(err);
    if (getConfig().logRefreshes) {
      const code = (err as { code?: string } | null)?.code;
      console.log(
        `[refresh] ${getConfig().instanceId} ${slotVendor ?? "?"} ${slotKind ?? credentialId} failed (${reason}): ${failure}: ${errorLine(err)}${code ? ` [${code}]` : ""}`,
      );
    }
    const retryAt = await recordFailure(
      db,
      credentialId,
      failure,
      message,
      err instanceof VendorError ? err.detail.retryAfterMs : undefined,
      audit,
      slotAppSettings,
    );
    // The dashboard's list shows the failure (server/live/list-cache.ts): it must not answer from before it.
    credentialsChanged(retryAt === undefined ? undefined : { credentialId, nextRefreshAt: retryAt, appRef: slotAppRef });
    failed = true;
    countRefresh({ vendor: slotVendor ?? "unknown", kind: slotKind ?? "unknown", outcome: "failure", class: failure });
    return { credentialId, ok: false, joined: false, failure, message, audited: !!audit };
  } finally {
    stopHeartbeat();
    try {
      if (!released) await releaseLease(db, credentialId, owner);
    } finally {
      // An alert that this failure warrants opens now, not at the evaluator's next tick
      // (server/alerts), and once the lease is gone: the evaluator holds an at-risk alert back while
      // its credential's refresh is in flight (alerts.ts holdAtRisk).
      if (failed) refreshFailed(credentialId);
    }
  }
}

/** Takes the credential's lease; a credential that does not exist (its lease row has nothing to refer to) is not found. */
async function leaseOf(db: Db, credentialId: string, owner: string): Promise<boolean> {
  try {
    return await acquireLease(db, credentialId, owner);
  } catch (err) {
    if ((err as { code?: string }).code === "P2003") throw new NotFoundError(`credential ${credentialId} does not exist`);
    throw err;
  }
}
