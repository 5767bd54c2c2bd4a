import "server-only";
import { VENDOR_KINDS, VENDORS } from "@/lib/credential-kinds";
import { vendorDay } from "@/lib/vendor-day";
import type { Db } from "../db";
import { inBatches } from "../db-batch";
import { PUBLISHED_DAILY_LIMITS } from "../quota/quota";
import { diesWithToken, endOf } from "../tickets/effective-expiry";

/** The alert thresholds a candidate must be able to reach (config.ts: alerts). */
export type Thresholds = { expiryMarginSeconds: number; quotaPercent: number };

/**
 * The credentials that may raise an alert condition at `at`: a superset, each then judged from its
 * full view (alerts.ts: conditionsOf). The evaluation runs every 15 s in every instance; judging
 * every credential read, decrypted and shaped the whole fleet each time (~2 s of the Next server's
 * work with 3,000 apps, growing with the day's calls), when nearly all of them are fine. A condition
 * needs one of:
 * - a failure: the credential's status is failing or its failures count is above zero;
 * - a value that ends within the expiry margin (or has ended): its current version's expiry or
 *   overlap end, or for a ticket that dies with its token (effective-expiry.ts) that token's end;
 * - a quota near or past its limit, or refused by the vendor today: every credential of such an app.
 * Each part is a narrow query; none reads a value or the whole history.
 */
export async function alertCandidates(db: Db, at: Date, { expiryMarginSeconds, quotaPercent }: Thresholds): Promise<string[]> {
  const horizon = new Date(at.getTime() + expiryMarginSeconds * 1000);
  const endsBefore = (t: Date) => [{ expiresAt: { lt: t } }, { validUntil: { lt: t } }];
  const bound = VENDORS.flatMap((vendor) => VENDOR_KINDS[vendor].filter((k) => diesWithToken(vendor, k.kind)).map((k) => ({ kind: k.kind, app: { vendor } })));
  const [troubled, ending, boundCurrent, quotaApps] = await Promise.all([
    db.credential.findMany({ where: { OR: [{ status: "failing" }, { consecutiveFailures: { gt: 0 } }] }, select: { id: true } }),
    // The current value is the one not superseded: store-version.ts supersedes the previous one in
    // the write that makes a new one current.
    db.credentialVersion.findMany({ where: { supersededAt: null, OR: endsBefore(horizon) }, select: { credentialId: true } }),
    bound.length
      ? db.credentialVersion.findMany({ where: { supersededAt: null, credential: { OR: bound } }, select: { credentialId: true, parentVersionId: true } })
      : [],
    appsNearQuota(db, at, quotaPercent),
  ]);
  const ids = new Set([...troubled.map((c) => c.id), ...ending.map((v) => v.credentialId)]);
  const parentIds = [...new Set(boundCurrent.map((v) => v.parentVersionId).filter((id): id is string => id !== null))];
  const parents = new Map(
    (
      await inBatches(parentIds, (batch) =>
        db.credentialVersion.findMany({ where: { id: { in: batch } }, select: { id: true, expiresAt: true, validUntil: true } }),
      )
    ).map((p) => [p.id, p]),
  );
  for (const v of boundCurrent) {
    // A token that is gone ends the ticket (effective-expiry.ts): a candidate too.
    const token = v.parentVersionId ? parents.get(v.parentVersionId) : undefined;
    if (v.parentVersionId && (!token || endOf(token) < horizon)) ids.add(v.credentialId);
  }
  if (quotaApps.length) {
    const ofApps = await inBatches(quotaApps, (batch) => db.credential.findMany({ where: { appRef: { in: batch } }, select: { id: true } }));
    for (const c of ofApps) ids.add(c.id);
  }
  return [...ids];
}

/**
 * Apps whose quota may be at `quotaPercent` of a limit, or exhausted, today (quota.ts decides): those
 * the vendor refused for quota today, those that set limits of their own, and those whose calls today
 * to an endpoint with a published limit reach that share of it (counting every call of the day, so
 * at least as many as the ledger counts after a clear_quota).
 */
async function appsNearQuota(db: Db, at: Date, quotaPercent: number): Promise<string[]> {
  const day = vendorDay(at);
  const published = [...new Map(Object.values(PUBLISHED_DAILY_LIMITS).flatMap((limits) => Object.entries(limits))).entries()];
  const [refused, ownLimits, ...busy] = await Promise.all([
    db.upstreamCall.findMany({ where: { day, errorClass: "quota-exhausted", appRef: { not: null } }, select: { appRef: true }, distinct: ["appRef"] }),
    // The policy is a JSON object: an app with limits of its own names "quotas" in it (parsePolicyOverrides).
    db.vendorApp.findMany({ where: { policy: { contains: '"quotas"' } }, select: { id: true } }),
    ...published.map(([endpoint, limit]) =>
      db.upstreamCall.groupBy({
        by: ["appRef"],
        where: { day, endpoint },
        having: { appRef: { _count: { gte: Math.floor((limit * quotaPercent) / 100) } } },
      }),
    ),
  ]);
  const apps = new Set<string>([...refused.map((r) => r.appRef!), ...ownLimits.map((a) => a.id)]);
  for (const rows of busy) for (const r of rows) if (r.appRef) apps.add(r.appRef);
  return [...apps];
}
