"use client";
import { useTranslations } from "next-intl";
import { useSearchParams } from "next/navigation";
import { memo, useCallback, useEffect, useState } from "react";
import { ClockOffset, FirstPaintClockProvider, useClockOffset } from "@/components/ui/countdown";
import { useNowSelect } from "@/components/ui/use-now";
import { ATTENTION_HEALTHS, HEALTHS, type Health, healthOf } from "@/lib/health";
import type { CredentialView } from "@/lib/credential-view";
import { type OverviewQuery, overviewQueryOf, overviewSearch } from "@/lib/overview-query";
import { AlertsBanner } from "./alerts-banner";
import { useOverview } from "./api/get-overview";
import { AttentionStrip, sameStrip } from "./attention-strip";
import { CredentialRow } from "./credential-row";
import { OverviewFilters } from "./overview-filters";
import { Pagination } from "./pagination";

// What surrounds the rows is drawn again only when what it shows changes, not at every new answer
// (one row's new value, the server's time of the answer): unchanged parts keep their objects
// (lib/share-by-id.ts), and the strip compares what it shows of its credentials (sameStrip). A
// change is drawn in every open overview tab, and with 50 of them on 2 cores that work decides
// when the last one shows it (bench/idle-tabs.ts).
const Strip = memo(AttentionStrip, sameStrip);
const Banner = memo(AlertsBanner);
const Filters = memo(OverviewFilters);
const Pages = memo(Pagination);

/** The table's columns, by their heading's message key. */
const COLUMNS = ["colApp", "colCredential", "colValue", "colExpiresIn", "colStatus", "colNextRefresh", "colActions"] as const;

/** How long typing pauses before the search goes to the server. */
const SEARCH_SETTLE_MS = 250;

/**
 * The overview: one page of credentials from the server ("needs attention" first), searched and
 * filtered there, with the summary, the "Needs attention" strip and the title counting all of them.
 */
export function Overview() {
  const t = useTranslations("overview");
  const th = useTranslations("health");
  // Filters and the page live in the URL (/?health=at-risk&vendor=wechat&q=demo&page=2): a view can
  // be shared or bookmarked. The state is the truth while the page is open; the URL follows it with
  // history.replaceState (Next keeps useSearchParams in step), so quick changes never race.
  const params = useSearchParams();
  const [filters, setFilters] = useState<OverviewQuery>(() => overviewQueryOf((name) => params.get(name)));
  const { vendor, health, q: search } = filters;
  // The search goes to the server once typing pauses (clearing it, at once); the box follows every key.
  const [settled, setSettled] = useState(search);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(search), SEARCH_SETTLE_MS);
    return () => clearTimeout(timer);
  }, [search]);
  const change = useCallback(
    (next: Partial<OverviewQuery>) =>
      setFilters((f) => {
        // A new filter starts at the first page; only paging keeps the filters.
        const merged = { ...f, page: 1, ...next };
        const query = overviewSearch(merged);
        window.history.replaceState(null, "", query ? `?${query}` : window.location.pathname);
        return merged;
      }),
    [],
  );
  const setHealth = useCallback((h: Health | "") => change({ health: h }), [change]);
  const setPage = useCallback((page: number) => change({ page }), [change]);
  const { data, error, isPending, refetch } = useOverview({ ...filters, q: search.trim() ? settled : "" });
  const attentionCount = data ? ATTENTION_HEALTHS.reduce((n, h) => n + data.totals[h], 0) : 0;
  const clockOffsetMs = useClockOffset(data);
  // Each row's health moves by time alone only at some moments (a value turning expiring, then
  // expired): the overview renders again then, not at every tick of the page's clock (each
  // countdown ticks on its own). Until the ticker runs (server rendering, hydration) health is read
  // on the server's clock at the moment it answered, as the server grouped it; then on the
  // browser's, with its offset.
  const healthLine = useNowSelect((ticking) => {
    if (!data) return "";
    const [nowMs, offsetMs] = ticking ? [ticking, clockOffsetMs] : [Date.parse(data.serverTime), 0];
    const of = (c: CredentialView) => healthOf(c, nowMs, offsetMs);
    return [...data.credentials.map(of), ...data.attention.map(of)].join(" ");
  });
  // The count in the tab's title: visible from another tab or a pinned tab during an incident.
  useEffect(() => {
    document.title = attentionCount > 0 ? t("pageTitleCount", { count: attentionCount }) : t("pageTitle");
  }, [attentionCount, t]);

  if (isPending) {
    return (
      <div
        role="status"
        aria-live="polite"
        className="rounded-lg border border-slate-200 bg-white p-8 text-center text-slate-500 dark:text-slate-400 dark:border-slate-800 dark:bg-slate-900"
      >
        {t("loading")}
      </div>
    );
  }
  if (error && !data) {
    return (
      <div role="alert" className="rounded-lg border border-red-200 bg-red-50 p-6 text-red-800 dark:border-red-900 dark:bg-red-950 dark:text-red-200">
        <p className="font-medium">{t("loadFailed")}</p>
        <p className="mt-1 text-sm">{error.message}</p>
        <button type="button" onClick={() => refetch()} className="mt-3 rounded-md bg-red-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-red-800">
          {t("tryAgain")}
        </button>
      </div>
    );
  }

  const renderedAt = Date.parse(data.serverTime);
  // The server's order ("needs attention" first, then by app), each with its health now.
  const healths = healthLine.split(" ") as Health[];
  const rows = data.credentials.map((c, i) => ({ c, health: healths[i]! }));
  const attention = data.attention.map((c, i) => ({ c, health: healths[data.credentials.length + i]! }));
  const total = HEALTHS.reduce((n, h) => n + data.totals[h], 0);
  const counts = HEALTHS.map((h) => [h, data.totals[h]] as const).filter(([, n]) => n > 0);

  return (
    <FirstPaintClockProvider renderedAt={renderedAt}>
      <ClockOffset.Provider value={clockOffsetMs}>
        <section aria-labelledby="overview-title" className="space-y-4">
          <div className="flex flex-wrap items-end justify-between gap-2">
            <div>
              <h1 id="overview-title" tabIndex={-1} className="text-2xl font-semibold tracking-tight outline-none">
                {t("title")}
              </h1>
              <p className="text-sm text-slate-600 dark:text-slate-400">{t("intro")}</p>
            </div>
            <p aria-label={t("summary")} className="text-sm font-medium text-slate-700 dark:text-slate-300">
              {counts.length === 0
                ? t("noCredentials")
                : counts.map(([h, n], i) => (
                    <span key={h}>
                      {i > 0 && " · "}
                      <button
                        type="button"
                        aria-pressed={health === h}
                        title={t("showOnly", { health: th(h).toLowerCase() })}
                        onClick={() => setHealth(health === h ? "" : h)}
                        className="rounded hover:underline focus-visible:outline-2 focus-visible:outline-sky-600 aria-pressed:underline"
                      >
                        {t("countHealth", { count: n, health: th(h).toLowerCase() })}
                      </button>
                    </span>
                  ))}
              {error && <span className="ml-2 text-red-700 dark:text-red-400">{t("paused", { error: error.message })}</span>}
            </p>
          </div>

          <Strip rows={attention} counts={data.totals} selected={health} onSelect={setHealth} />

          <Banner />

          {total > 0 && (
            <Filters search={search} vendor={vendor} health={health} vendors={data.vendors} matching={data.page.matching} total={total} onChange={change} />
          )}

          {total === 0 ? (
            <div className="rounded-lg border border-dashed border-slate-300 bg-white p-10 text-center dark:border-slate-700 dark:bg-slate-900">
              <p className="font-medium">{t("emptyTitle")}</p>
              <p className="mt-1 text-sm text-slate-500 dark:text-slate-400">
                {t.rich("emptyBody", { code: (chunks) => <code className="font-mono">{chunks}</code> })}
              </p>
            </div>
          ) : (
            <>
              <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm dark:border-slate-800 dark:bg-slate-900">
                <table className="block w-full text-left text-sm md:table md:min-w-[960px]">
                  <caption className="sr-only">{t("caption")}</caption>
                  <thead className="hidden bg-slate-50 md:table-header-group text-xs uppercase tracking-wide text-slate-500 dark:bg-slate-800/50 dark:text-slate-400">
                    <tr>
                      {COLUMNS.map((column) => (
                        <th key={column} scope="col" className={column === "colActions" ? "px-4 py-2 text-right font-medium" : "px-4 py-2 font-medium"}>
                          {t(column)}
                        </th>
                      ))}
                    </tr>
                  </thead>
                  <tbody className="block md:table-row-group">
                    {rows.map(({ c, health: h }) => (
                      <CredentialRow key={c.id} credential={c} health={h} />
                    ))}
                    {rows.length === 0 && (
                      <tr className="block md:table-row">
                        <td colSpan={COLUMNS.length} className="block px-4 py-8 text-center text-sm text-slate-500 dark:text-slate-400 md:table-cell">
                          {t("noMatch")}
                        </td>
                      </tr>
                    )}
                  </tbody>
                </table>
              </div>
              <Pages page={data.page} onPage={setPage} />
            </>
          )}
        </section>
      </ClockOffset.Provider>
    </FirstPaintClockProvider>
  );
}
