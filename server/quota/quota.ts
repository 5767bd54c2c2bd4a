import "server-only";
import type { VendorApp } from "@/generated/sqlite/client";
import type { CredentialKind, VendorId } from "@/lib/credential-kinds";
import { nextVendorDayStart, vendorDay } from "@/lib/vendor-day";
import type { Db } from "../db";
import { parsePolicyOverrides } from "../tickets/policy";
import { CLEAR_QUOTA_PATH } from "../vendors/wechat";
import { DEFAULT_TOKEN_PATH } from "../vendors/yzb";
import { inBatches } from "../db-batch";

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

/**
 * The quota ledger of some apps for the vendors' day of `at`: every endpoint called today, plus
 * every endpoint with a known limit, keyed by app id.
 */
export async function quotaLedger(db: Db, apps: Pick<VendorApp, "id" | "vendor" | "policy">[], at: Date): Promise<Map<string, QuotaUse[]>> {
  const day = vendorDay(at);
  const resetsAt = nextVendorDayStart(at).toISOString();
  const ids = apps.map((a) => a.id);
  // Grouped by app: batches of apps add up to the whole.
  const [counts, refusals, successes] = await Promise.all([
    inBatches(ids, (batch) => db.upstreamCall.groupBy({ by: ["appRef", "endpoint"], where: { appRef: { in: batch }, day }, _count: { _all: true } })),
    inBatches(ids, (batch) =>
      db.upstreamCall.groupBy({ by: ["appRef", "endpoint"], where: { appRef: { in: batch }, day, errorClass: "quota-exhausted" }, _max: { startedAt: true } }),
    ),
    inBatches(ids, (batch) =>
      db.upstreamCall.groupBy({ by: ["appRef", "endpoint"], where: { appRef: { in: batch }, day, errorClass: null }, _max: { startedAt: true } }),
    ),
  ]);
  // The vendor said "quota used up" and has not accepted a call since (a quota cleared by the vendor ends it,
  // and so does a successful clear_quota for the app: every endpoint's counter starts again).
  const refused = new Set(
    refusals
      .filter((r) => {
        const ok = successes.find((s) => s.appRef === r.appRef && s.endpoint === r.endpoint)?._max.startedAt;
        const cleared = successes.find((s) => s.appRef === r.appRef && s.endpoint === CLEAR_QUOTA_ENDPOINT)?._max.startedAt;
        const last = [ok, cleared].filter((d): d is Date => !!d).sort((a, b) => b.getTime() - a.getTime())[0];
        return r.endpoint !== CLEAR_QUOTA_ENDPOINT && (!last || (r._max.startedAt !== null && r._max.startedAt > last));
      })
      .map((r) => `${r.appRef} ${r.endpoint}`),
  );
  const ledger = new Map<string, QuotaUse[]>();
  for (const app of apps) {
    const endpoints = new Set([
      ...counts.filter((c) => c.appRef === app.id && c.endpoint !== CLEAR_QUOTA_ENDPOINT).map((c) => c.endpoint),
      ...Object.keys(PUBLISHED_DAILY_LIMITS[app.vendor as VendorId] ?? {}),
      ...Object.keys(parsePolicyOverrides(app.policy).quotas ?? {}),
    ]);
    ledger.set(
      app.id,
      [...endpoints].sort().map((endpoint) => {
        const used = counts.find((c) => c.appRef === app.id && c.endpoint === endpoint)?._count._all ?? 0;
        const { limit, limitSource } = limitFor(app, endpoint);
        const exhausted = refused.has(`${app.id} ${endpoint}`) || (limit !== null && used >= limit);
        return { endpoint, used, limit, limitSource, exhausted, resetsAt };
      }),
    );
  }
  return ledger;
}

/** Whether scheduled calls to this endpoint must wait for the vendors' next day, and until when. */
export async function quotaBlock(
  db: Db,
  app: Pick<VendorApp, "id" | "vendor" | "policy">,
  endpoint: string,
  at: Date,
): Promise<{ until: Date; reason: string } | null> {
  const use = (await quotaLedger(db, [app], at)).get(app.id)?.find((u) => u.endpoint === endpoint);
  if (!use?.exhausted) return null;
  const why = use.limit !== null && use.used >= use.limit ? `${use.used}/${use.limit} calls used today` : "the vendor reported its daily quota used up";
  return { until: new Date(use.resetsAt), reason: `quota exhausted on ${endpoint} (${why}): paused until the vendor's reset at 00:00 UTC+8` };
}
