// What a page of the overview asks for: shared by the overview (browser), its server prefetch and
// GET /api/credentials, so the three name the same page the same way (the query key and the URL).
// No zod here: this module is on the overview's first load; the answer's schema is loaded lazily.
import { HEALTHS, type Health } from "./health";
import { VENDORS, type VendorId } from "./credential-kinds";

/** Rows per page of the overview. */
export const OVERVIEW_PAGE_SIZE = 50;
/** Longest search text the API takes. */
export const SEARCH_MAX = 200;
/** How many of the most urgent credentials the answer carries for the "Needs attention" strip. */
export const ATTENTION_SHOWN = 5;

export type OverviewQuery = { page: number; q: string; vendor: VendorId | ""; health: Health | "" };

/**
 * The query a page URL asks for (/?health=at-risk&vendor=wechat&q=demo&page=2), read leniently: a
 * value the API would refuse is dropped, so a stale bookmark still opens the overview.
 */
export function overviewQueryOf(get: (name: string) => string | null | undefined): OverviewQuery {
  const health = get("health") ?? "";
  const vendor = get("vendor") ?? "";
  const page = Number(get("page") ?? "1");
  return {
    page: Number.isInteger(page) && page >= 1 ? page : 1,
    q: (get("q") ?? "").slice(0, SEARCH_MAX),
    vendor: (VENDORS as readonly string[]).includes(vendor) ? (vendor as VendorId) : "",
    health: (HEALTHS as readonly string[]).includes(health) ? (health as Health) : "",
  };
}

/** The URL's query for `query`, without defaults: "" for the first page of everything. */
export function overviewSearch(query: OverviewQuery): string {
  const q = query.q.trim();
  const params = new URLSearchParams();
  if (query.health) params.set("health", query.health);
  if (query.vendor) params.set("vendor", query.vendor);
  if (q) params.set("q", q);
  if (query.page > 1) params.set("page", String(query.page));
  return params.toString();
}

/** The same query as the API is asked it (the page size said explicitly). */
export function overviewApiPath(query: OverviewQuery): string {
  const search = overviewSearch(query);
  return `/api/credentials?${search ? `${search}&` : ""}limit=${OVERVIEW_PAGE_SIZE}`;
}
