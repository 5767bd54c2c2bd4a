import "server-only";
import { isVendor, kindSpec, VENDOR_LABELS } from "@/lib/credential-kinds";
import type { CredentialView } from "@/lib/credential-view";
import type { Prisma } from "@/generated/sqlite/client";
import { maskValue } from "@/lib/mask";
import { now } from "../clock";
import { decrypt } from "../crypto";
import { type Db, getDb } from "../db";
import { inBatches, inPages } from "../db-batch";
import { SINCE_MARGIN_MS } from "../fast/read-cache";
import { endpointFor, quotaLedger } from "../quota/quota";
import { effectiveExpiries } from "./effective-expiry";
import { parsePolicyOverrides, policyFor } from "./policy";
import { instanceOf } from "./lease";
import { sentenceOf } from "./sentences";
import { timeToImpact } from "./time-to-impact";

/** The overview's order: by vendor, then app name, then each app's credentials as created. */
const LIST_ORDER = [{ app: { vendor: "asc" } }, { app: { name: "asc" } }, { createdAt: "asc" }] satisfies Prisma.CredentialOrderByWithRelationInput[];

/**
 * Every credential of every enabled app with its state; values masked. The whole list goes by
 * pages (db-batch.ts: the event loop runs between them), all judged at the same moment: which
 * credentials are listed is read first, each page's state when its turn comes.
 */
export async function listCredentials(filter: { credentialId?: string } = {}): Promise<CredentialView[]> {
  const db = getDb();
  const at = now();
  const include = { app: true, lease: true } as const;
  if (filter.credentialId) return viewsOf(db, await db.credential.findMany({ where: { id: filter.credentialId, app: { enabled: true } }, include }), at);
  return credentialViews(await listedIds(db), at);
}

/**
 * The views of some credentials of enabled apps (the whole list's, or those the alert evaluation
 * judges: alerts/candidates.ts), by pages, each page in the list's order, all judged at `at`.
 * `updatedAt`, when given, gets each credential's row updatedAt as read (ms): what a later look at
 * the row compares with (server/live/kept-list.ts).
 */
export async function credentialViews(ids: readonly string[], at = now(), updatedAt?: Map<string, number>): Promise<CredentialView[]> {
  const db = getDb();
  return inPages(ids, async (page) => {
    const slots = await db.credential.findMany({
      where: { id: { in: page }, app: { enabled: true } },
      include: { app: true, lease: true },
      orderBy: LIST_ORDER,
    });
    if (updatedAt) for (const s of slots) updatedAt.set(s.id, s.updatedAt.getTime());
    return viewsOf(db, slots, at);
  });
}

/** Which credentials the whole list holds (every enabled app's), in its order: read before its pages. */
export async function listedIds(db: Db): Promise<string[]> {
  return (await db.credential.findMany({ where: { app: { enabled: true } }, select: { id: true }, orderBy: LIST_ORDER })).map((s) => s.id);
}

/**
 * What moves when the list's membership or order, or an app's limits, may have changed: the counts
 * of apps and credentials and the sum of the apps' revisions (a trigger bumps an app's at every
 * update). Slots are added and removed only with their app.
 */
export async function listShape(): Promise<string> {
  const [row] = await getDb().$queryRawUnsafe<Record<string, unknown>[]>(
    `SELECT (SELECT COUNT(*) FROM "VendorApp") AS n, (SELECT COALESCE(SUM("revision"), 0) FROM "VendorApp") AS v, (SELECT COUNT(*) FROM "Credential") AS c`,
  );
  return ["n", "v", "c"].map((k) => String(row?.[k])).join("|");
}

/**
 * The apps with a credential row written since `sinceMs` (less SINCE_MARGIN_MS: a writer sets
 * `updatedAt` before its transaction commits, so a row may appear later with an older time) whose
 * `updatedAt` is not the one last read of it (`readAt`: undefined for a row not listed, a disabled
 * app's), and the newest `updatedAt` seen. A refresh, a failure, a pause each write their row, and
 * most vendor calls an app's quota counts come with those writes (the metrics' states count on
 * that; the dashboard's kept list also looks at the calls: live/kept-list.ts).
 */
export async function appsWritten(sinceMs: number, readAt: (id: string) => number | undefined): Promise<{ apps: Set<string>; sinceMs: number }> {
  const rows = await getDb().credential.findMany({
    where: { updatedAt: { gte: new Date(sinceMs - SINCE_MARGIN_MS) } },
    select: { id: true, appRef: true, updatedAt: true },
  });
  const apps = new Set<string>();
  let newest = sinceMs;
  for (const r of rows) {
    const ms = r.updatedAt.getTime();
    if (ms > newest) newest = ms;
    const had = readAt(r.id);
    if (had !== undefined && had !== ms) apps.add(r.appRef);
  }
  return { apps, sinceMs: newest };
}

type Slot = Prisma.CredentialGetPayload<{ include: { app: true; lease: true } }>;

/** The views of some credentials (in their order) at `at`. */
async function viewsOf(db: Db, slots: Slot[], at: Date): Promise<CredentialView[]> {
  const currentIds = slots.map((s) => s.currentVersionId).filter((id): id is string => id !== null);
  // SQLite takes at most 999 parameters a query, and Prisma splits a longer `in` list only where no
  // order is asked for: the queries go by batches (each credential's versions stay in one).
  const slotIds = slots.map((s) => s.id);
  const [currents, previous] = await Promise.all([
    inBatches(currentIds, (ids) => db.credentialVersion.findMany({ where: { id: { in: ids } } })),
    inBatches(slotIds, (ids) =>
      db.credentialVersion.findMany({ where: { credentialId: { in: ids }, validUntil: { gt: at } }, orderBy: { generation: "desc" } }),
    ),
  ]);
  const byId = new Map(currents.map((v) => [v.id, v]));
  // Each credential's newest superseded value still inside its overlap window (one pass, not a search per credential).
  const currentOf = new Map(slots.map((s) => [s.id, s.currentVersionId]));
  const previousOf = new Map<string, (typeof previous)[number]>();
  for (const v of previous) if (v.id !== currentOf.get(v.credentialId) && !previousOf.has(v.credentialId)) previousOf.set(v.credentialId, v);
  // A FaceID SIGN ticket dies with its token: show the capped expiry, for the current and the previous value.
  const vendorKind = new Map(slots.map((s) => [s.id, { vendor: s.app.vendor, kind: s.kind }]));
  const ends = await effectiveExpiries(
    db,
    [...currents, ...previous].map((version) => ({ ...vendorKind.get(version.credentialId)!, version })),
  );
  const apps = [...new Map(slots.map((s) => [s.app.id, s.app])).values()];
  const ledger = await quotaLedger(db, apps, at);

  return slots.map((slot): CredentialView => {
    const vendor = slot.app.vendor;
    const spec = isVendor(vendor) ? kindSpec(vendor, slot.kind) : undefined;
    const cur = slot.currentVersionId ? byId.get(slot.currentVersionId) : undefined;
    const prev = previousOf.get(slot.id);
    const curEnd = cur ? (ends.get(cur.id) ?? cur.expiresAt) : null;
    const prevEnd = prev ? (ends.get(prev.id) ?? prev.validUntil) : null;
    const status = statusOf(slot.status, !!cur, curEnd, at);
    const quota = spec ? (ledger.get(slot.app.id)?.find((q) => q.endpoint === endpointFor(slot.app, spec.kind)) ?? null) : null;
    const leaseHeld = slot.lease !== null && slot.lease.expiresAt > at;
    const policy = isVendor(vendor) && spec ? policyFor(vendor, spec.kind, parsePolicyOverrides(slot.app.policy)) : null;
    const impact = timeToImpact({
      now: at,
      expiresAt: curEnd,
      failing: slot.status === "failing",
      lastErrorClass: slot.lastErrorClass,
      nextRefreshAt: slot.nextRefreshAt,
      quota: quota ? { exhausted: quota.exhausted, resetsAt: new Date(quota.resetsAt) } : null,
      lease: leaseHeld ? { expiresAt: slot.lease!.expiresAt } : null,
    });
    return {
      id: slot.id,
      vendor,
      vendorLabel: isVendor(vendor) ? VENDOR_LABELS[vendor] : vendor,
      appRef: slot.app.id,
      appId: slot.app.appId,
      appName: slot.app.name,
      kind: slot.kind,
      kindLabel: spec?.label ?? slot.kind,
      status,
      generation: slot.generation,
      refreshing: leaseHeld,
      lease: slot.lease
        ? {
            instance: slot.lease.instance || instanceOf(slot.lease.owner),
            acquiredAt: slot.lease.acquiredAt.toISOString(),
            expiresAt: slot.lease.expiresAt.toISOString(),
          }
        : null,
      current: cur
        ? {
            maskedValue: maskValue(decrypt(cur.valueEnc)),
            fetchedAt: cur.fetchedAt.toISOString(),
            expiresIn: cur.expiresIn,
            expiresAt: curEnd!.toISOString(),
            vendorExpireTime: cur.vendorExpireTime,
          }
        : null,
      previous: prev && prevEnd && prevEnd > at ? { maskedValue: maskValue(decrypt(prev.valueEnc)), validUntil: prevEnd.toISOString() } : null,
      lastError: slot.lastError
        ? { message: slot.lastError, class: slot.lastErrorClass, at: slot.lastErrorAt?.toISOString() ?? null, sentence: sentenceOf(slot.lastError, "error") }
        : null,
      consecutiveFailures: slot.consecutiveFailures,
      nextRefreshAt: slot.nextRefreshAt?.toISOString() ?? null,
      nextRefreshReason: slot.nextRefreshReason,
      nextRefreshReasonSentence: slot.nextRefreshReason ? sentenceOf(slot.nextRefreshReason, "reason", { policy: policy?.sentence }) : null,
      quota,
      impact: {
        state: impact.state,
        atRisk: impact.atRisk,
        breaksAt: impact.breaksAt?.toISOString() ?? null,
        // Only a moment something waits for: "now" would change every render, and with it the list's ETag.
        refreshPossibleAt: impact.blockedBy && impact.refreshPossibleAt ? impact.refreshPossibleAt.toISOString() : null,
        blockedBy: impact.blockedBy,
        blockedBySentence: impact.blocked,
        attention: impact.attention,
      },
      policy: policy?.description ?? "",
      ...(policy ? { policySentence: policy.sentence } : {}),
    };
  });
}

/** A credential's status as the dashboard and the metrics say it: failing, expired, active or pending. */
function statusOf(stored: string, hasValue: boolean, expiresAt: Date | null, at: Date): CredentialView["status"] {
  if (stored === "failing") return "failing";
  if (!hasValue) return "pending";
  return !expiresAt || expiresAt <= at ? "expired" : "active";
}

/** What /api/metrics says of a credential: its state, never its value. */
export type CredentialState = Pick<
  CredentialView,
  "vendor" | "appRef" | "appId" | "kind" | "status" | "generation" | "consecutiveFailures" | "nextRefreshAt" | "quota"
> & {
  /** The current value's effective expiry (ISO), or null when it has none. */
  expiresAt: string | null;
};

/**
 * Every credential of every enabled app with only what the metrics need, in listCredentials' order:
 * no values to decrypt and mask, no previous values, leases, policies or sentences. With 3,000 apps
 * a scrape read all of that on the read plane's event loop, where consumer reads wait meanwhile
 * (server/metrics/states.ts keeps them between scrapes, and reads again only what changed).
 */
export async function credentialStates(): Promise<CredentialState[]> {
  const db = getDb();
  const at = now();
  return (await inPages(await listedIds(db), (page) => statePartsOf(page, at))).map((p) => stateAt(p, at));
}

/**
 * What the metrics say of a credential, read at some moment, before the clock is applied: its
 * status turns "expired" by time alone (stateAt). `updatedAtMs`: its row's updatedAt then, so that
 * a later look at the row says whether this is still what it holds.
 */
export type StateParts = Omit<CredentialState, "status"> & { id: string; updatedAtMs: number; stored: string; hasValue: boolean };

/** A credential's state at `at` from what was read of it. */
export function stateAt(p: StateParts, at: Date): CredentialState {
  return {
    vendor: p.vendor,
    appRef: p.appRef,
    appId: p.appId,
    kind: p.kind,
    status: statusOf(p.stored, p.hasValue, p.expiresAt === null ? null : new Date(p.expiresAt), at),
    generation: p.generation,
    consecutiveFailures: p.consecutiveFailures,
    nextRefreshAt: p.nextRefreshAt,
    quota: p.quota,
    expiresAt: p.expiresAt,
  };
}

/** What the metrics need of some credentials of enabled apps (in the list's order), read now (quotas counted for `at`'s day). */
export async function statePartsOf(ids: string[], at: Date): Promise<StateParts[]> {
  const db = getDb();
  const slots = await db.credential.findMany({
    where: { id: { in: ids }, app: { enabled: true } },
    select: {
      id: true,
      kind: true,
      generation: true,
      status: true,
      consecutiveFailures: true,
      nextRefreshAt: true,
      currentVersionId: true,
      updatedAt: true,
      app: { select: { id: true, vendor: true, appId: true, policy: true, quotaClearedAt: true, tokenVariant: true, tokenPath: true } },
    },
    orderBy: LIST_ORDER,
  });
  const currentIds = slots.map((s) => s.currentVersionId).filter((id): id is string => id !== null);
  const currents = await inBatches(currentIds, (ids) =>
    db.credentialVersion.findMany({
      where: { id: { in: ids } },
      select: { id: true, credentialId: true, expiresAt: true, validUntil: true, parentVersionId: true },
    }),
  );
  const byId = new Map(currents.map((v) => [v.id, v]));
  const vendorKind = new Map(slots.map((s) => [s.id, { vendor: s.app.vendor, kind: s.kind }]));
  const ends = await effectiveExpiries(
    db,
    currents.map((version) => ({ ...vendorKind.get(version.credentialId)!, version })),
  );
  const ledger = await quotaLedger(db, [...new Map(slots.map((s) => [s.app.id, s.app])).values()], at);
  return slots.map((slot) => {
    const vendor = slot.app.vendor;
    const spec = isVendor(vendor) ? kindSpec(vendor, slot.kind) : undefined;
    const cur = slot.currentVersionId ? byId.get(slot.currentVersionId) : undefined;
    const end = cur ? (ends.get(cur.id) ?? cur.expiresAt) : null;
    return {
      id: slot.id,
      updatedAtMs: slot.updatedAt.getTime(),
      stored: slot.status,
      hasValue: !!cur,
      vendor,
      appRef: slot.app.id,
      appId: slot.app.appId,
      kind: slot.kind,
      generation: slot.generation,
      consecutiveFailures: slot.consecutiveFailures,
      nextRefreshAt: slot.nextRefreshAt?.toISOString() ?? null,
      quota: spec ? (ledger.get(slot.app.id)?.find((q) => q.endpoint === endpointFor(slot.app, spec.kind)) ?? null) : null,
      expiresAt: end?.toISOString() ?? null,
    };
  });
}
