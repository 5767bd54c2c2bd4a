import "server-only";
import { z } from "zod";
import en from "@/i18n/messages/en.json";
import zh from "@/i18n/messages/zh-CN.json";
import { VENDORS } from "@/lib/credential-kinds";
import type { CredentialView } from "@/lib/credential-view";
import { ATTENTION_HEALTHS, byAttention, HEALTHS, type Health, healthChangesAt, healthOf } from "@/lib/health";
import { textIn } from "@/lib/input-rules";
import { numberIn } from "@/lib/number-rule";
import { ATTENTION_SHOWN, OVERVIEW_PAGE_SIZE, type OverviewQuery, SEARCH_MAX } from "@/lib/overview-query";
import type { OverviewAnswer } from "@/lib/overview-view";
import { now } from "../clock";
import type { Topics } from "./changes";
import { credentialList, derivedView } from "./list-cache";

/**
 * GET /api/credentials's query: a page of `limit` credentials (every credential without `limit`),
 * searched by `q` (app name, app id, credential name in either language, vendor) and filtered by
 * vendor, health and app. Health is the one the overview shows (lib/health.ts), on the server's clock.
 */
export const overviewQuerySchema = z
  .object({
    page: numberIn(1, 1_000_000, "must be a whole number from 1 to 1000000", { int: true, coerce: true }).default(1),
    limit: numberIn(1, 500, "must be a whole number from 1 to 500", { int: true, coerce: true }).optional(),
    q: textIn(SEARCH_MAX).default(""),
    vendor: z.enum(VENDORS, { error: `must be one of ${VENDORS.join(", ")}` }).optional(),
    health: z.enum(HEALTHS, { error: `must be one of ${HEALTHS.join(", ")}` }).optional(),
    /** One app only (its id), totals included: the credential page's, with the token its tickets are fetched with. */
    app: textIn(64).optional(),
  })
  .strict();
export type OverviewRequest = z.output<typeof overviewQuerySchema>;

/** The overview answer without its serverTime (added when it is sent), and its ETag. */
export type OverviewView = { etag: string; answer: Omit<OverviewAnswer, "serverTime"> };

/** The catalog's English credential names with their translations, so a search in either language finds them. */
const KIND_NAMES = new Map<string, string[]>(
  Object.entries(en.overview.kindLabels).map(([key, label]) => [label, [label, zh.overview.kindLabels[key as keyof typeof zh.overview.kindLabels]]]),
);

function matches(c: CredentialView, needle: string): boolean {
  const fields = [c.appName, c.appId, c.kindLabel, c.kind, c.vendorLabel, ...(KIND_NAMES.get(c.kindLabel) ?? [])];
  return fields.some((f) => f.toLowerCase().includes(needle));
}

/** The view's memo key: one per distinct query, as the API would answer it. */
export function viewKey(query: OverviewRequest): string {
  return JSON.stringify(["overview", query.page, query.limit ?? null, query.q.trim().toLowerCase(), query.vendor ?? "", query.health ?? "", query.app ?? ""]);
}

/**
 * Each view's health and until when it holds by time alone (healthChangesAt), from the moment it
 * was judged. The kept list (kept-list.ts) hands the same view objects to every render while their
 * credentials do not change, and with 3,000 apps judging all 6,759 again took ~6 of a derivation's
 * ~10 ms, at every change (several a second) for every page open.
 */
const judged = new WeakMap<CredentialView, { health: Health; fromMs: number; untilMs: number }>();
function judge(c: CredentialView, atMs: number): { health: Health; untilMs: number } {
  const had = judged.get(c);
  if (had && had.fromMs <= atMs && atMs < had.untilMs) return had;
  const now = { health: healthOf(c, atMs, 0), fromMs: atMs, untilMs: healthChangesAt(c, atMs) };
  judged.set(c, now);
  return now;
}

/** One page of the overview from the list and the server's time; pure but for the memo of judgements (tested without a database). */
export function overviewOf(
  credentials: CredentialView[],
  query: OverviewRequest,
  atMs: number,
): { answer: OverviewView["answer"]; validUntilServerMs: number } {
  // One app's overview (the credential page): its totals and grouping too, so its ETag moves with that app alone.
  const scope = query.app ? credentials.filter((c) => c.appRef === query.app) : credentials;
  let validUntilServerMs = Number.POSITIVE_INFINITY;
  const rows = scope
    .map((c) => {
      const { health, untilMs } = judge(c, atMs);
      if (untilMs < validUntilServerMs) validUntilServerMs = untilMs;
      return { c, health };
    })
    .sort(byAttention);
  const totals = Object.fromEntries(HEALTHS.map((h) => [h, 0])) as Record<Health, number>;
  for (const { health } of rows) totals[health]++;
  const vendors = [...new Map(scope.map((c) => [c.vendor, c.vendorLabel])).entries()].map(([vendor, label]) => ({ vendor, label }));
  const needle = query.q.trim().toLowerCase();
  const matching = rows.filter(
    ({ c, health }) => (!query.vendor || c.vendor === query.vendor) && (!query.health || health === query.health) && (!needle || matches(c, needle)),
  );
  const size = query.limit ?? Math.max(1, matching.length);
  const pages = Math.max(1, Math.ceil(matching.length / size));
  const number = Math.min(query.page, pages);
  return {
    answer: {
      credentials: matching.slice((number - 1) * size, number * size).map((r) => r.c),
      totals,
      attention: rows
        .filter((r) => ATTENTION_HEALTHS.includes(r.health))
        .slice(0, ATTENTION_SHOWN)
        .map((r) => r.c),
      vendors,
      page: { number, size, matching: matching.length, pages },
      validUntil: Number.isFinite(validUntilServerMs) ? new Date(validUntilServerMs).toISOString() : null,
    },
    validUntilServerMs,
  };
}

/**
 * The overview's answer for `query`: from the list in memory while it holds (server/live/list-cache.ts),
 * derived once per query and shared by every tab asking the same. The route and the page's server
 * prefetch both call this: one answer, one shape.
 */
export async function overviewList(query: OverviewRequest, heard: Partial<Topics> | null = null): Promise<OverviewView> {
  return derivedView(viewKey(query), (credentials, atMs) => overviewOf(credentials, query, atMs), heard);
}

/** The overview's answer as sent: with the server's time now. */
export async function overviewAnswer(query: OverviewRequest, heard: Partial<Topics> | null = null): Promise<{ etag: string; answer: OverviewAnswer }> {
  const { etag, answer } = await overviewList(query, heard);
  return { etag, answer: { serverTime: now().toISOString(), ...answer } };
}

/** The API's query for what a page URL asks (lib/overview-query.ts), a page of OVERVIEW_PAGE_SIZE. */
export function overviewRequestOf(query: OverviewQuery): OverviewRequest {
  return {
    page: query.page,
    limit: OVERVIEW_PAGE_SIZE,
    q: query.q.trim(),
    ...(query.vendor ? { vendor: query.vendor } : {}),
    ...(query.health ? { health: query.health } : {}),
  };
}

/** The id of credential `id`'s app, from the list in memory while it holds; null: no such credential. */
export async function appOfCredential(id: string): Promise<string | null> {
  const { credentials } = await credentialList();
  return credentials.find((c) => c.id === id)?.appRef ?? null;
}
