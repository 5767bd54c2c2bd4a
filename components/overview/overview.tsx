"use client";
import { useTranslations } from "next-intl";
import { useSearchParams } from "next/navigation";
import { useEffect, useId, useState } from "react";
import { useCredentials } from "@/components/credential/api/get-credentials";
import { ATTENTION_HEALTHS, HEALTHS, byAttention, healthOf, type Health } from "@/lib/health";
import { useNow } from "@/components/ui/use-now";
import { FilterSelect } from "@/components/ui/filter-select";
import { filterControl } from "@/components/ui/styles";
import { AlertsBanner } from "./alerts-banner";
import { AttentionStrip } from "./attention-strip";
import { CredentialRow } from "./credential-row";
import { useKindLabel } from "./kind-label";

export function Overview() {
  const { data, error, isPending, refetch, isFetching } = useCredentials();
  const t = useTranslations("overview");
  const th = useTranslations("health");
  const kindLabel = useKindLabel();
  const now = useNow();
  // Filters live in the URL (/?health=at-risk&vendor=wechat&q=demo): a view can be shared or
  // bookmarked. The state is the truth while the page is open; the URL follows it with
  // history.replaceState (Next keeps useSearchParams in step), so quick changes never race.
  const params = useSearchParams();
  const [filters, setFilters] = useState(() => {
    const asked = params.get("health") ?? "";
    return {
      vendor: params.get("vendor") ?? "",
      health: ((HEALTHS as readonly string[]).includes(asked) ? asked : "") as Health | "",
      q: params.get("q") ?? "",
    };
  });
  const { vendor, health, q: search } = filters;
  const setFilter = (name: keyof typeof filters, value: string) =>
    setFilters((f) => {
      const next = { ...f, [name]: value };
      const query = new URLSearchParams(Object.entries(next).filter(([, v]) => v)).toString();
      window.history.replaceState(null, "", query ? `?${query}` : window.location.pathname);
      return next;
    });
  const setVendor = (v: string) => setFilter("vendor", v);
  const setHealth = (h: Health | "") => setFilter("health", h);
  const setSearch = (q: string) => setFilter("q", q);
  const rows = data ? data.credentials.map((c) => ({ c, health: healthOf(c, now || Date.now(), data.clockOffsetMs) })).sort(byAttention) : [];
  const attention = rows.filter((r) => ATTENTION_HEALTHS.includes(r.health)).length;
  // The count in the tab's title: visible from another tab or a pinned tab during an incident.
  useEffect(() => {
    document.title = attention > 0 ? t("pageTitleCount", { count: attention }) : t("pageTitle");
  }, [attention, t]);
  const ids = { vendor: useId(), health: useId(), search: useId() };

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

  const counts = HEALTHS.map((h) => [h, rows.filter((r) => r.health === h).length] as const).filter(([, n]) => n > 0);
  const vendors = [...new Map(data.credentials.map((c) => [c.vendor, c.vendorLabel])).entries()];
  const needle = search.trim().toLowerCase();
  const shown = rows.filter(
    ({ c, health: h }) =>
      (!vendor || c.vendor === vendor) &&
      (!health || h === health) &&
      (!needle || [c.appName, c.appId, c.kindLabel, kindLabel(c.kindLabel), c.kind, c.vendorLabel].some((f) => f.toLowerCase().includes(needle))),
  );
  const filtered = Boolean(vendor || health || needle);

  return (
    <section aria-labelledby="overview-title" className="space-y-4">
      <div className="flex flex-wrap items-end justify-between gap-2">
        <div>
          <h1 id="overview-title" className="text-2xl font-semibold tracking-tight">
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
          {isFetching && <span className="sr-only">{t("updating")}</span>}
        </p>
      </div>

      <AttentionStrip rows={rows} selected={health} onSelect={setHealth} nowMs={now || Date.now()} clockOffsetMs={data.clockOffsetMs} />

      <AlertsBanner />

      {data.credentials.length > 0 && (
        <form role="search" aria-label={t("filterLabel")} className="flex flex-wrap items-end gap-3" onSubmit={(e) => e.preventDefault()}>
          <div className="flex flex-col gap-1">
            <label htmlFor={ids.search} className="text-xs font-medium text-slate-600 dark:text-slate-400">
              {t("search")}
            </label>
            <input
              id={ids.search}
              type="search"
              value={search}
              onChange={(e) => setSearch(e.target.value)}
              placeholder={t("searchPlaceholder")}
              className={`${filterControl} w-64`}
            />
          </div>
          <FilterSelect id={ids.vendor} label={t("vendor")} anyLabel={t("allVendors")} value={vendor} options={vendors} onChange={setVendor} />
          <FilterSelect
            id={ids.health}
            label={t("health")}
            anyLabel={t("anyHealth")}
            value={health}
            options={HEALTHS.map((h) => [h, th(h)] as const)}
            onChange={setHealth}
          />
          {filtered && (
            <p className="pb-1.5 text-sm text-slate-600 dark:text-slate-400" aria-live="polite">
              {t("showing", { shown: shown.length, total: rows.length })}{" "}
              <button
                type="button"
                className="text-sky-700 underline dark:text-sky-400"
                onClick={() => {
                  setFilters({ vendor: "", health: "", q: "" });
                  window.history.replaceState(null, "", window.location.pathname);
                }}
              >
                {t("clearFilters")}
              </button>
            </p>
          )}
        </form>
      )}

      {data.credentials.length === 0 ? (
        <div className="rounded-lg border border-dashed border-slate-300 bg-white p-10 text-center dark:border-slate-700 dark:bg-slate-900">
          <p className="font-medium">{t("emptyTitle")}</p>
          <p className="mt-1 text-sm text-slate-500 dark:text-slate-400">
            {t.rich("emptyBody", { code: (chunks) => <code className="font-mono">{chunks}</code> })}
          </p>
        </div>
      ) : (
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm dark:border-slate-800 dark:bg-slate-900">
          <table className="block w-full text-left text-sm md:table md:min-w-[960px]">
            <caption className="sr-only">{t("caption")}</caption>
            <thead className="hidden bg-slate-50 md:table-header-group text-xs uppercase tracking-wide text-slate-500 dark:bg-slate-800/50 dark:text-slate-400">
              <tr>
                <th scope="col" className="px-4 py-2 font-medium">
                  {t("colApp")}
                </th>
                <th scope="col" className="px-4 py-2 font-medium">
                  {t("colCredential")}
                </th>
                <th scope="col" className="px-4 py-2 font-medium">
                  {t("colValue")}
                </th>
                <th scope="col" className="px-4 py-2 font-medium">
                  {t("colExpiresIn")}
                </th>
                <th scope="col" className="px-4 py-2 font-medium">
                  {t("colStatus")}
                </th>
                <th scope="col" className="px-4 py-2 font-medium">
                  {t("colNextRefresh")}
                </th>
                <th scope="col" className="px-4 py-2 text-right font-medium">
                  {t("colActions")}
                </th>
              </tr>
            </thead>
            <tbody className="block md:table-row-group">
              {shown.map(({ c, health: h }) => (
                <CredentialRow key={c.id} credential={c} clockOffsetMs={data.clockOffsetMs} health={h} />
              ))}
              {shown.length === 0 && (
                <tr className="block md:table-row">
                  <td colSpan={7} className="block px-4 py-8 text-center text-sm text-slate-500 dark:text-slate-400 md:table-cell">
                    {t("noMatch")}
                  </td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
