import "server-only";
import { randomUUID } from "node:crypto";
import { isVendor, kindSpec, VENDOR_KINDS, type CredentialKind, type VendorId } from "@/lib/credential-kinds";
import { nextVendorDayStart } from "@/lib/vendor-day";
import type { VendorApp } from "@/generated/sqlite/client";
import { vendorContext } from "../apps/vendor-context";
import { now } from "../clock";
import { getConfig } from "../config";
import { decrypt, encrypt, valueHash } from "../crypto";
import { getDb, type Db } from "../db";
import { endpointFor, quotaBlock } from "../quota/quota";
import { fetchFromVendor } from "../vendors/registry";
import { VendorError, type FailureClass, type Fetched } from "../vendors/types";
import { credentialsChanged } from "../events";
import { countRefresh } from "../metrics/registry";
import { acquireLease, keepLeaseAlive, releaseLease, waitForLease } from "./lease";
import { nextRefreshAt, parsePolicyOverrides, policyFor, type PolicyOverrides } from "./policy";

export type RefreshResult =
  | { credentialId: string; ok: true; joined: boolean; boundTickets?: string[] }
  | { credentialId: string; ok: false; joined: boolean; failure: FailureClass; message: string };

export class NotFoundError extends Error {}

/** Another writer stored a newer generation while this fetch was in flight. */
class GenerationConflict extends Error {}

/**
 * When a refresh is still wanted once the lease is ours (another instance may have just done it):
 * "always" (the Refresh button), "due" (the scheduler: nextRefreshAt has come), or "stale" (a read
 * or a ticket needs a value with at least `minSeconds` left, and not the version a vendor refused).
 */
export type Need =
  | { type: "always" }
  | { type: "due" }
  | { type: "stale"; minSeconds: number; refusedVersionId?: string | null }
  /** Compare-and-refresh: only while the stored generation is still the one the caller saw (a person's Refresh, a consumer's 40001). */
  | { type: "ifGeneration"; generation: number };

const running = new Map<string, Promise<RefreshResult>>();

/**
 * Fetches a new value for one credential, at most once at a time across every process:
 * callers in this process share one promise; other processes wait on the database lease, then
 * read what the holder stored, or take over if the holder died. Used by the scheduler, the
 * Refresh button and the proxy.
 */
export function refreshCredential(args: { credentialId: string; reason: string; need?: Need }): Promise<RefreshResult> {
  const inFlight = running.get(args.credentialId);
  if (inFlight) return inFlight.then((r) => ({ ...r, joined: true }));
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

async function stillNeeded(db: Db, credentialId: string, need: Need): Promise<boolean> {
  if (need.type === "always") return true;
  const slot = await db.credential.findUniqueOrThrow({ where: { id: credentialId } });
  if (need.type === "due") return slot.nextRefreshAt !== null && slot.nextRefreshAt <= now();
  if (need.type === "ifGeneration") return slot.generation === need.generation;
  const v = slot.currentVersionId ? await db.credentialVersion.findUnique({ where: { id: slot.currentVersionId } }) : null;
  if (!v || v.id === need.refusedVersionId) return true;
  return v.expiresAt.getTime() - now().getTime() < need.minSeconds * 1000;
}

async function runRefresh(db: Db, { credentialId, reason, need }: { credentialId: string; reason: string; need: Need }): Promise<RefreshResult> {
  const owner = `${getConfig().instanceId}:${randomUUID()}`;
  const exists = await db.credential.findUnique({ where: { id: credentialId }, select: { generation: true } });
  if (!exists) throw new NotFoundError(`credential ${credentialId} does not exist`);

  // Up to two tries for the lease: the second one takes over from a holder that died.
  for (let attempt = 0; attempt < 2; attempt++) {
    if (await acquireLease(db, credentialId, owner)) break;
    const before = (await db.credential.findUniqueOrThrow({ where: { id: credentialId } })).generation;
    await waitForLease(db, credentialId, getConfig().leaseTtlMs + 1_000);
    const slot = await db.credential.findUniqueOrThrow({ where: { id: credentialId } });
    if (slot.generation !== before || !(await stillNeeded(db, credentialId, need)) || attempt === 1) {
      return slot.status === "failing" && slot.lastError && slot.generation === before
        ? { credentialId, ok: false, joined: true, failure: (slot.lastErrorClass ?? "network") as FailureClass, message: slot.lastError }
        : { credentialId, ok: true, joined: true };
    }
  }
  let slotVendor: string | undefined;
  let slotKind: string | undefined;
  const stopHeartbeat = keepLeaseAlive(db, credentialId, owner);
  try {
    if (!(await stillNeeded(db, credentialId, need))) return { credentialId, ok: true, joined: true };
    const slot = await db.credential.findUniqueOrThrow({ where: { id: credentialId }, include: { app: true } });
    const vendor = slot.app.vendor;
    slotVendor = vendor;
    slotKind = slot.kind;
    const spec = isVendor(vendor) ? kindSpec(vendor, slot.kind) : undefined;
    if (!isVendor(vendor) || !spec) throw new VendorError("bad-config", `unknown credential ${vendor} ${slot.kind}`);
    // A used-up daily quota pauses scheduled calls to that endpoint until the vendor's reset; a
    // person (the Refresh button) or a client that needs a value may still try.
    if (need.type === "due") {
      const blocked = await quotaBlock(db, slot.app, endpointFor(slot.app, spec.kind), now());
      if (blocked) {
        await db.credential.update({ where: { id: credentialId }, data: { nextRefreshAt: blocked.until, nextRefreshReason: blocked.reason } });
        return { credentialId, ok: false, joined: false, failure: "quota-exhausted", message: blocked.reason };
      }
    }
    // A scheduled refresh keeps its rhythm from the time it was due, not from when it ran.
    const dueAt = need.type === "due" && slot.nextRefreshAt ? slot.nextRefreshAt : null;
    // Should this instance die mid-call, the credential is due and another instance takes over once the lease expires.
    await db.credential.update({ where: { id: credentialId }, data: { nextRefreshAt: now(), nextRefreshReason: `refresh in progress (${reason})` } });
    const ctx = vendorContext(db, slot.app, slot.id);
    const startedAt = now();

    // A ticket that dies with its token is fetched with the token that will be current, not one due for replacement.
    const diesWithToken = policyFor(vendor, spec.kind).refreshWithParent;
    let parent = spec.parent ? await usableParent(db, slot.app, spec.parent, null, diesWithToken) : null;
    let fetched: Fetched;
    try {
      fetched = await fetchFromVendor(vendor, spec.kind, ctx, parent?.value ?? null);
    } catch (err) {
      if (!(err instanceof VendorError && err.failure === "invalid-credential" && spec.parent && parent)) throw err;
      // The token was refused: renew it unless someone already did (compare before invalidating), retry once.
      parent = await usableParent(db, slot.app, spec.parent, parent.versionId);
      try {
        fetched = await fetchFromVendor(vendor, spec.kind, ctx, parent.value);
      } catch (again) {
        // Refused again right after a renewal, and the previous attempt ended the same way: two fresh
        // tokens refused is not staleness. WeChat's getticket document says what 40001 then means:
        // "check that AppSecret is correct, or that they are calling interfaces for the appropriate
        // Official Account". Stop renewing the token every backoff cycle and say so.
        if (again instanceof VendorError && again.failure === "invalid-credential" && slot.lastErrorClass === "invalid-credential" && slot.consecutiveFailures >= 1) {
          throw new VendorError(
            "bad-config",
            `${again.message} — still refused after the access token was renewed twice: check the app secret (AppSecret), or whether the app id belongs to the right account`,
            again.detail,
          );
        }
        throw again;
      }
    }
    if (getConfig().logRefreshes) {
      console.log(`[refresh] ${getConfig().instanceId} ${vendor} ${spec.kind} gen ${slot.generation + 1} (${reason}, need ${need.type}) at ${startedAt.toISOString()}`);
    }
    const stored = await storeVersion(db, { slot, appRef: slot.app.id, vendor, kind: spec.kind, fetched, fetchedAt: startedAt, dueAt, parentVersionId: parent?.versionId ?? null, reason, overrides: parsePolicyOverrides(slot.app.policy) });
    credentialsChanged();
    countRefresh({ vendor, kind: spec.kind, outcome: "success", class: "none" });
    return { credentialId, ok: true, joined: false, boundTickets: stored.boundTickets };
  } catch (err) {
    if (err instanceof GenerationConflict) return { credentialId, ok: true, joined: true };
    const failure: FailureClass = err instanceof VendorError ? err.failure : "network";
    const message = err instanceof Error ? err.message : String(err);
    await recordFailure(db, credentialId, failure, message, err instanceof VendorError ? err.detail.retryAfterMs : undefined);
    countRefresh({ vendor: slotVendor ?? "unknown", kind: slotKind ?? "unknown", outcome: "failure", class: failure });
    return { credentialId, ok: false, joined: false, failure, message };
  } finally {
    stopHeartbeat();
    await releaseLease(db, credentialId, owner);
  }
}

/**
 * The app's current access token, renewed first when it is missing, nearly expired, or is the
 * very version a vendor just refused (`refusedVersionId`).
 */
async function usableParent(
  db: Db,
  app: VendorApp,
  kind: CredentialKind,
  refusedVersionId: string | null,
  renewIfDue = false,
): Promise<{ versionId: string; value: string }> {
  const parentSlot = await db.credential.findUnique({ where: { appRef_kind: { appRef: app.id, kind } } });
  if (!parentSlot) throw new VendorError("bad-config", `${app.name} has no ${kind} credential`);
  const policy = policyFor(app.vendor as VendorId, kind, parsePolicyOverrides(app.policy));
  // FaceID: a SIGN ticket fetched with a token that is due for its 20-minute renewal dies a minute
  // after that renewal and is fetched again by the cascade: two ticket calls where one will do. When
  // the token is due (its scheduled time has come, or a late tick left it so), renew it first.
  if (renewIfDue && !refusedVersionId && parentSlot.nextRefreshAt !== null && parentSlot.nextRefreshAt <= now()) {
    await refreshCredential({ credentialId: parentSlot.id, reason: "due, and a ticket that dies with it is being fetched", need: { type: "due" } });
  }
  const usable = async () => {
    const v = parentSlot && (await currentVersion(db, parentSlot.id));
    const minRemaining = policy.minParentRemainingSeconds * 1000;
    return v && v.id !== refusedVersionId && v.expiresAt.getTime() - now().getTime() > minRemaining ? v : null;
  };
  let version = await usable();
  if (!version) {
    const result = await refreshCredential({
      credentialId: parentSlot.id,
      reason: "needed for a ticket",
      need: { type: "stale", minSeconds: policy.minParentRemainingSeconds, refusedVersionId },
    });
    version = await usable();
    if (!version) {
      const why = result.ok ? "no usable access token" : result.message;
      throw new VendorError(result.ok ? "invalid-credential" : result.failure, `access token: ${why}`);
    }
  }
  return { versionId: version.id, value: decrypt(version.valueEnc) };
}

async function currentVersion(db: Db, credentialId: string) {
  const slot = await db.credential.findUnique({ where: { id: credentialId }, select: { currentVersionId: true } });
  return slot?.currentVersionId ? db.credentialVersion.findUnique({ where: { id: slot.currentVersionId } }) : null;
}

async function storeVersion(
  db: Db,
  args: {
    slot: { id: string; generation: number; currentVersionId: string | null };
    appRef: string;
    vendor: VendorId;
    kind: CredentialKind;
    fetched: Fetched;
    fetchedAt: Date;
    dueAt: Date | null;
    parentVersionId: string | null;
    reason: string;
    overrides: PolicyOverrides;
  },
) {
  const { slot, fetched, fetchedAt } = args;
  const policy = policyFor(args.vendor, args.kind, args.overrides);
  const expiresAt = new Date(fetchedAt.getTime() + fetched.expiresIn * 1000);
  const next = nextRefreshAt(policy, fetchedAt, fetched.expiresIn, Math.random, args.dueAt);
  const hash = valueHash(fetched.value);
  // Read before the transaction, so that it opens with its compare-and-set write: on SQLite a
  // transaction that reads first and writes later can fail with SQLITE_BUSY instead of waiting.
  const prev = slot.currentVersionId ? await db.credentialVersion.findUnique({ where: { id: slot.currentVersionId } }) : null;
  const stored = await db.$transaction(async (tx): Promise<{ boundTickets: string[] }> => {
    const scheduled = {
      status: "active",
      lastError: null,
      lastErrorClass: null,
      lastErrorAt: null,
      consecutiveFailures: 0,
      nextRefreshAt: next,
      nextRefreshReason: `scheduled: ${policy.description}`,
    };
    if (prev && prev.valueHash === hash) {
      // The vendor handed back the value we hold (Feishu with ≥30 min left, stable_token): no new version.
      const same = await tx.credential.updateMany({ where: { id: slot.id, generation: slot.generation }, data: scheduled });
      if (same.count !== 1) throw new GenerationConflict();
      return { boundTickets: [] };
    }
    // Compare-and-set on the generation: a slower, older fetch never overwrites a newer value.
    const won = await tx.credential.updateMany({
      where: { id: slot.id, generation: slot.generation },
      data: { ...scheduled, generation: slot.generation + 1 },
    });
    if (won.count !== 1) throw new GenerationConflict();
    const version = await tx.credentialVersion.create({
      data: {
        credentialId: slot.id,
        generation: slot.generation + 1,
        valueEnc: encrypt(fetched.value),
        valueHash: hash,
        fetchedAt,
        expiresIn: fetched.expiresIn,
        expiresAt,
        vendorExpireTime: fetched.vendorExpireTime ?? null,
        parentVersionId: args.parentVersionId,
      },
    });
    await tx.credential.update({ where: { id: slot.id }, data: { currentVersionId: version.id } });
    if (prev) {
      const overlapEnd = fetchedAt.getTime() + policy.overlapSeconds * 1000;
      await tx.credentialVersion.update({
        where: { id: prev.id },
        data: { supersededAt: fetchedAt, validUntil: new Date(Math.min(overlapEnd, prev.expiresAt.getTime())) },
      });
    }
    if (args.kind === "access_token") {
      // Tickets that die with their token are due now, fetched with the new one.
      const bound = VENDOR_KINDS[args.vendor].filter((k) => k.parent === "access_token" && policyFor(args.vendor, k.kind).refreshWithParent);
      if (bound.length) {
        const where = { appRef: args.appRef, kind: { in: bound.map((k) => k.kind) } };
        await tx.credential.updateMany({ where, data: { nextRefreshAt: fetchedAt, nextRefreshReason: "token rotated: fetch with the new token" } });
        return { boundTickets: (await tx.credential.findMany({ where, select: { id: true } })).map((c) => c.id) };
      }
    }
    return { boundTickets: [] };
  });
  await liftQuotaPause(db, { slotId: slot.id, appRef: args.appRef, vendor: args.vendor, kind: args.kind, overrides: args.overrides });
  return stored;
}

/** Why a credential is paused after a vendor said its daily quota is used up (recordFailure, pauseSiblings). */
const QUOTA_PAUSE_REASON = "quota exhausted: scheduled refreshes paused until the vendor's daily reset at 00:00 UTC+8";

async function recordFailure(db: Db, credentialId: string, failure: FailureClass, message: string, retryAfterMs?: number) {
  const slot = await db.credential.findUnique({ where: { id: credentialId } });
  if (!slot) return;
  const failures = slot.consecutiveFailures + 1;
  const t = now().getTime();
  let next: Date | null;
  let reason: string;
  if (failure === "bad-config") {
    next = null;
    reason = "stopped: fix the app's configuration, then refresh by hand";
  } else if (failure === "quota-exhausted") {
    next = nextVendorDayStart(new Date(t));
    reason = QUOTA_PAUSE_REASON;
  } else if (retryAfterMs) {
    // The vendor said how long to wait (a rate limit's reset, WeChat's "try again in a few minutes").
    next = new Date(t + retryAfterMs);
    reason =
      failure === "busy"
        ? `retry ${failures} after busy in ${Math.round(retryAfterMs / 1000)} s (the vendor asks to try again in a few minutes)`
        : `rate limited: retrying after ${Math.round(retryAfterMs / 1000)} s`;
  } else {
    // Exponential backoff with jitter: 5 s, 10 s, 20 s … capped at 5 min.
    const base = Math.min(300_000, 5_000 * 2 ** (failures - 1));
    next = new Date(t + base * (0.75 + Math.random() * 0.5));
    reason = `retry ${failures} after ${failure}`;
  }
  if (failure === "quota-exhausted" && next) await pauseSiblings(db, slot, next, reason);
  await db.credential.update({
    where: { id: credentialId },
    data: {
      status: "failing",
      lastError: message,
      lastErrorClass: failure,
      lastErrorAt: new Date(t),
      consecutiveFailures: failures,
      nextRefreshAt: next,
      nextRefreshReason: reason,
    },
  });
}

/** Other credentials of the app that call the same endpoint (WeChat jsapi and wx_card) wait for the reset too. */
async function pauseSiblings(db: Db, slot: { id: string; appRef: string; kind: string }, until: Date, reason: string) {
  const app = await db.vendorApp.findUnique({ where: { id: slot.appRef }, include: { credentials: true } });
  if (!app) return;
  const endpoint = endpointFor(app, slot.kind as CredentialKind);
  const siblings = app.credentials.filter((c) => c.id !== slot.id && endpointFor(app, c.kind as CredentialKind) === endpoint).map((c) => c.id);
  if (siblings.length) {
    await db.credential.updateMany({
      where: { id: { in: siblings }, nextRefreshAt: { lt: until } },
      data: { nextRefreshAt: until, nextRefreshReason: reason },
    });
  }
}

/**
 * A call the vendor accepted shows the endpoint's quota is not used up (any more): credentials of the
 * app that call it and were paused by a quota error go back to their own schedule, or are due now if
 * that has passed. Without this one 45009 on jsapi kept wx_card paused for hours after jsapi recovered.
 */
async function liftQuotaPause(db: Db, args: { slotId: string; appRef: string; vendor: VendorId; kind: CredentialKind; overrides: PolicyOverrides }) {
  const app = await db.vendorApp.findUnique({ where: { id: args.appRef }, include: { credentials: true } });
  if (!app) return;
  const endpoint = endpointFor(app, args.kind);
  const paused = app.credentials.filter(
    (c) => c.id !== args.slotId && c.nextRefreshReason === QUOTA_PAUSE_REASON && endpointFor(app, c.kind as CredentialKind) === endpoint,
  );
  for (const c of paused) {
    const v = c.currentVersionId ? await db.credentialVersion.findUnique({ where: { id: c.currentVersionId } }) : null;
    const policy = policyFor(args.vendor, c.kind as CredentialKind, args.overrides);
    const own = v ? nextRefreshAt(policy, v.fetchedAt, v.expiresIn) : null;
    const at = now();
    const due = !own || own < at;
    // Compare-and-set: leave it alone if its own refresh rescheduled it meanwhile.
    await db.credential.updateMany({
      where: { id: c.id, nextRefreshAt: c.nextRefreshAt, nextRefreshReason: QUOTA_PAUSE_REASON },
      data: { nextRefreshAt: due ? at : own, nextRefreshReason: due ? `quota pause lifted (${endpoint} answered again): due now` : `scheduled: ${policy.description}` },
    });
  }
}
