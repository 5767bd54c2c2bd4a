import "server-only";
import type { VendorApp } from "@/generated/sqlite/client";
import type { CredentialKind, VendorId } from "@/lib/credential-kinds";
import { nextVendorDayStart, vendorDay } from "@/lib/vendor-day";
import type { Db } from "../db";
import { parsePolicyOverrides } from "../tickets/policy";
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
  resetsAt: string;
};

function limitFor(app: Pick<VendorApp, "vendor" | "policy">, endpoint: string): { limit: number | null; limitSource: QuotaUse["limitSource"] } {
  const configured = parsePolicyOverrides(app.policy).quotas?.[endpoint];
  if (configured !== undefined) return { limit: configured, limitSource: "app" };
  const published = PUBLISHED_DAILY_LIMITS[app.vendor as VendorId]?.[endpoint];
  return published !== undefined ? { limit: published, limitSource: "vendor" } : { limit: null, limitSource: null };
}

type CountRow = { appRef: string | null; endpoint: string; _count: { _all: number } };
type MaxRow = { appRef: string | null; endpoint: string; _max: { startedAt: Date | null } };

/**
 * The quota ledger of some apps for the vendors' day of `at`: every endpoint called today, plus
 * every endpoint with a known limit, keyed by app id.
 */
export async function quotaLedger(db: Db, apps: Pick<VendorApp, "id" | "vendor" | "policy" | "quotaClearedAt">[], at: Date): Promise<Map<string, QuotaUse[]>> {
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
  const [counts, refusals, successes] = await Promise.all([
    Promise.all(slices.map((slice) => db.upstreamCall.groupBy({ by: ["appRef", "endpoint"], where: todayOf(slice), _count: { _all: true } }))),
    Promise.all(
      slices.map((slice) =>
        db.upstreamCall.groupBy({ by: ["appRef", "endpoint"], where: { ...todayOf(slice), errorClass: "quota-exhausted" }, _max: { startedAt: true } }),
      ),
    ),
    Promise.all(
      slices.map((slice) => db.upstreamCall.groupBy({ by: ["appRef", "endpoint"], where: { ...todayOf(slice), errorClass: null }, _max: { startedAt: true } })),
    ),
  ]).then((lists) => lists.map((l) => l.flat()) as [CountRow[], MaxRow[], MaxRow[]]);
  // The vendor said "quota used up" and has not accepted a call since (a quota cleared by the vendor
  // ends it; one cleared with clear_quota leaves the refusal before the reset, out of today's calls).
  // Indexed by app (and endpoint) first: a search of every row for each app grew with apps × rows
  // (3,000 apps with two calls each today: 390 ms of the event loop a ledger instead of 180 ms).
  const pairKey = (appRef: string | null, endpoint: string) => `${appRef} ${endpoint}`;
  const okAt = new Map(successes.map((s) => [pairKey(s.appRef, s.endpoint), s._max.startedAt]));
  const used = new Map(counts.map((c) => [pairKey(c.appRef, c.endpoint), c._count._all]));
  const calledEndpoints = new Map<string, string[]>();
  for (const c of counts) {
    if (c.endpoint === CLEAR_QUOTA_ENDPOINT || c.appRef === null) continue;
    const list = calledEndpoints.get(c.appRef);
    if (list) list.push(c.endpoint);
    else calledEndpoints.set(c.appRef, [c.endpoint]);
  }
  const refused = new Set(
    refusals
      .filter((r) => {
        const ok = okAt.get(pairKey(r.appRef, r.endpoint));
        return r.endpoint !== CLEAR_QUOTA_ENDPOINT && (!ok || (r._max.startedAt !== null && r._max.startedAt > ok));
      })
      .map((r) => pairKey(r.appRef, r.endpoint)),
  );
  const ledger = new Map<string, QuotaUse[]>();
  for (const app of apps) {
    const endpoints = new Set([
      ...(calledEndpoints.get(app.id) ?? []),
      ...Object.keys(PUBLISHED_DAILY_LIMITS[app.vendor as VendorId] ?? {}),
      ...Object.keys(parsePolicyOverrides(app.policy).quotas ?? {}),
    ]);
    ledger.set(
      app.id,
      [...endpoints].sort().map((endpoint) => {
        const calls = used.get(pairKey(app.id, endpoint)) ?? 0;
        const { limit, limitSource } = limitFor(app, endpoint);
        const exhausted = refused.has(pairKey(app.id, endpoint)) || (limit !== null && calls >= limit);
        return { endpoint, used: calls, limit, limitSource, exhausted, resetsAt };
      }),
    );
  }
  return ledger;
}

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
