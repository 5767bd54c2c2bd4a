import "server-only";
import type { VendorApp } from "@/generated/sqlite/client";
import type { CredentialKind, VendorId } from "@/lib/credential-kinds";
import { nextVendorDayStart, vendorDay } from "@/lib/vendor-day";
import { sentence } from "@/lib/sentence";
import { now } from "../clock";
import { getConfig } from "../config";
import type { Db } from "../db";
import { parsePolicyOverrides } from "../tickets/policy";
import { english } from "../tickets/sentences";
import { CLEAR_QUOTA_PATH } from "../vendors/wechat";
import { DEFAULT_TOKEN_PATH } from "../vendors/yzb";

/**
 * Daily call limits the vendors publish (vendor-notes.md). Where a vendor only says "very
 * limited" (WeChat and Feishu tickets) the limit is unknown until an app configures one.
 */
export const PUBLISHED_DAILY_LIMITS: Record<VendorId, Record<string, number>> = {
  wechat: { "/cgi-bin/token": 2000 },
  feishu: {},
  faceid: {},
  yzb: {},
};

/** The endpoint a refresh of (app, kind) calls. */
export function endpointFor(app: Pick<VendorApp, "vendor" | "tokenVariant" | "tokenPath">, kind: CredentialKind): string {
  const token = kind === "access_token";
  switch (app.vendor as VendorId) {
    case "wechat":
      return token ? (app.tokenVariant === "stable_token" ? "/cgi-bin/stable_token" : "/cgi-bin/token") : "/cgi-bin/ticket/getticket";
    case "feishu":
      return token ? "/open-apis/auth/v3/tenant_access_token/internal" : "/open-apis/jssdk/ticket/get";
    case "faceid":
      return token ? "/api/oauth2/access_token" : "/api/oauth2/api_ticket";
    case "yzb":
      return token ? (app.tokenPath ?? DEFAULT_TOKEN_PATH) : "/OAuth2/ticket";
    default:
      return "";
  }
}

/** WeChat's clearQuotaByAppSecret (quota/clear-quota.ts): a success resets every daily counter of the app. */
export const CLEAR_QUOTA_ENDPOINT = CLEAR_QUOTA_PATH;

export type QuotaUse = {
  endpoint: string;
  /** Calls made today (the vendors' day, UTC+8), successful or not. */
  used: number;
  /** The daily limit: the app's configured one, else the vendor's published one; null when unknown. */
  limit: number | null;
  limitSource: "app" | "vendor" | null;
  /** Set when no more scheduled calls go out today: the limit is reached or the vendor said so. */
  exhausted: boolean;
  /** Exhausted, or at TICKETHUB_ALERT_QUOTA_PERCENT of a known limit: health "Quota low", as the quota alert judges it (quotaReached). */
  low: boolean;
  resetsAt: string;
};

/** Whether `used` calls reach `percent` % of `limit` (the quota alert's rule and the "Quota low" health). */
export function quotaReached(used: number, limit: number | null, percent: number): boolean {
  return limit !== null && limit > 0 && used * 100 >= limit * percent;
}

function limitFor(app: Pick<VendorApp, "vendor" | "policy">, endpoint: string): { limit: number | null; limitSource: QuotaUse["limitSource"] } {
  const configured = parsePolicyOverrides(app.policy).quotas?.[endpoint];
  if (configured !== undefined) return { limit: configured, limitSource: "app" };
  const published = PUBLISHED_DAILY_LIMITS[app.vendor as VendorId]?.[endpoint];
  return published !== undefined ? { limit: published, limitSource: "vendor" } : { limit: null, limitSource: null };
}

/** Whose daily limit a quota alert (subject "<app id>|<endpoint>", alerts.ts) is about now: the app's own or the vendor's. */
export function quotaAlertLimitSource(app: Pick<VendorApp, "vendor" | "policy">, subject: string): QuotaUse["limitSource"] {
  return limitFor(app, subject.slice(subject.indexOf("|") + 1)).limitSource;
}

type Row = { appRef: string | null; endpoint: string; errorClass: string | null; _count: { _all: number }; _max: { startedAt: Date | null } };

/**
 * The quota ledger of some apps for the vendors' day of `at`: every endpoint called today, plus
 * every endpoint with a known limit, keyed by app id.
 */
export async function quotaLedger(
  db: Db,
  apps: Pick<VendorApp, "id" | "vendor" | "policy" | "quotaClearedAt">[],
  at: Date,
  lowPercent: number = getConfig().alerts.quotaPercent,
): Promise<Map<string, QuotaUse[]>> {
  const day = vendorDay(at);
  const resetsAt = nextVendorDayStart(at).toISOString();
  // Today's calls of each app, from its last clear_quota on: WeChat's counters start again there
  // (a reset on an earlier day is before every call of today and changes nothing).
  const todayOf = (slice: typeof apps) => ({
    day,
    OR: slice.map((a) => (a.quotaClearedAt ? { appRef: a.id, startedAt: { gte: a.quotaClearedAt } } : { appRef: a.id })),
  });
  // By slices of apps: SQLite takes at most 999 parameters a query (up to two an app here), and
  // Prisma does not split a grouped query's conditions itself (groups are per app, so slices never split one).
  const slices = Array.from({ length: Math.ceil(apps.length / 400) }, (_, i) => apps.slice(i * 400, (i + 1) * 400));
  // One grouped query a slice (every scheduled refresh asks for its app): per outcome class, how many
  // calls and the latest, which gives the day's count, the last refusal and the last success at once.
  const rows: Row[] = (
    await Promise.all(
      slices.map((slice) =>
        db.upstreamCall.groupBy({ by: ["appRef", "endpoint", "errorClass"], where: todayOf(slice), _count: { _all: true }, _max: { startedAt: true } }),
      ),
    )
  ).flat();
  const counts = new Map<string, number>();
  const calledBy = new Map<string | null, Set<string>>();
  const latest = (errorClass: string | null) =>
    new Map(rows.filter((r) => r.errorClass === errorClass).map((r) => [`${r.appRef} ${r.endpoint}`, r._max.startedAt] as const));
  for (const r of rows) {
    counts.set(`${r.appRef} ${r.endpoint}`, (counts.get(`${r.appRef} ${r.endpoint}`) ?? 0) + r._count._all);
    if (r.endpoint !== CLEAR_QUOTA_ENDPOINT) calledBy.set(r.appRef, (calledBy.get(r.appRef) ?? new Set()).add(r.endpoint));
  }
  const refusals = latest("quota-exhausted");
  const successes = latest(null);
  // The vendor said "quota used up" and has not accepted a call since (a quota cleared by the vendor
  // ends it; one cleared with clear_quota leaves the refusal before the reset, out of today's calls).
  const refused = new Set(
    [...refusals]
      .filter(([key, last]) => {
        const ok = successes.get(key);
        return !key.endsWith(` ${CLEAR_QUOTA_ENDPOINT}`) && (!ok || (last !== null && last > ok));
      })
      .map(([key]) => key),
  );
  const ledger = new Map<string, QuotaUse[]>();
  for (const app of apps) {
    const endpoints = new Set([
      ...(calledBy.get(app.id) ?? []),
      ...Object.keys(PUBLISHED_DAILY_LIMITS[app.vendor as VendorId] ?? {}),
      ...Object.keys(parsePolicyOverrides(app.policy).quotas ?? {}),
    ]);
    ledger.set(
      app.id,
      [...endpoints].sort().map((endpoint) => {
        const used = counts.get(`${app.id} ${endpoint}`) ?? 0;
        const { limit, limitSource } = limitFor(app, endpoint);
        const exhausted = refused.has(`${app.id} ${endpoint}`) || (limit !== null && used >= limit);
        return { endpoint, used, limit, limitSource, exhausted, low: exhausted || quotaReached(used, limit, lowPercent), resetsAt };
      }),
    );
  }
  return ledger;
}

/** The reason a credential the quota paused becomes due when its app's limits change (or changed while it was paused). */
export const QUOTA_LIMITS_CHANGED_REASON = english(sentence("reason.quotaLimitsChanged"));

/** How quotaBlock's reason begins: a credential the scheduler paused for its endpoint's limit is found by it (clear-quota.ts). */
export const QUOTA_BLOCK_REASON_PREFIX = "quota exhausted on ";

/** Whether scheduled calls to this endpoint must wait for the vendors' next day, and until when. */
export async function quotaBlock(
  db: Db,
  app: Pick<VendorApp, "id" | "vendor" | "policy" | "quotaClearedAt">,
  endpoint: string,
  at: Date,
): Promise<{ until: Date; reason: string } | null> {
  const use = (await quotaLedger(db, [app], at)).get(app.id)?.find((u) => u.endpoint === endpoint);
  if (!use?.exhausted) return null;
  const why = use.limit !== null && use.used >= use.limit ? `${use.used}/${use.limit} calls used today` : "the vendor reported its daily quota used up";
  return { until: new Date(use.resetsAt), reason: `${QUOTA_BLOCK_REASON_PREFIX}${endpoint} (${why}): paused until the vendor's reset at 00:00 UTC+8` };
}

/**
 * Pauses a credential as quotaBlock said, only while its app is as read (revision): limits an
 * admin saved meanwhile (manage-apps.ts) leave it due, and the scheduler's next turn asks the
 * ledger with them. A save that committed while this write ran (PostgreSQL reads the app row as
 * of the statement's start) is seen by the re-read, which makes it due again; the save itself
 * sweeps once more after its commit.
 */
export async function pauseForQuota(
  db: Db,
  credentialId: string,
  app: Pick<VendorApp, "id" | "revision">,
  blocked: { until: Date; reason: string },
): Promise<void> {
  const paused = await db.credential.updateMany({
    where: { id: credentialId, app: { is: { revision: app.revision } } },
    data: { nextRefreshAt: blocked.until, nextRefreshReason: blocked.reason },
  });
  if (paused.count === 1 && (await db.vendorApp.findUnique({ where: { id: app.id }, select: { revision: true } }))?.revision !== app.revision) {
    await resumeQuotaBlocked(db, { id: credentialId }, QUOTA_LIMITS_CHANGED_REASON);
  }
}

/**
 * Makes what quotaBlock paused due now, with the reason given: new limits were saved, the vendor's
 * counters were cleared, or a pause raced such a change. The scheduler asks the ledger again first,
 * so what is still over a limit pauses again without a vendor call.
 */
export function resumeQuotaBlocked(db: Db, where: { appRef: string } | { id: string }, reason: string) {
  return db.credential.updateMany({
    where: { ...where, nextRefreshReason: { startsWith: QUOTA_BLOCK_REASON_PREFIX } },
    data: { nextRefreshAt: now(), nextRefreshReason: reason },
  });
}
