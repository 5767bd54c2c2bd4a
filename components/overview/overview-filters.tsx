"use client";
import { useTranslations } from "next-intl";
import { useId } from "react";
import { FilterSelect } from "@/components/ui/filter-select";
import { filterControl } from "@/components/ui/styles";
import { HEALTHS, type Health } from "@/lib/health";
import type { OverviewAnswer } from "@/lib/overview-view";
import type { OverviewQuery } from "@/lib/overview-query";

/**
 * The overview's search box and its vendor and health filters, with how many credentials match
 * them and a button to clear them. `onChange` gets what changed (a new filter starts at page 1).
 */
export function OverviewFilters({
  search,
  vendor,
  health,
  vendors,
  matching,
  total,
  onChange,
}: {
  search: string;
  vendor: OverviewQuery["vendor"];
  health: Health | "";
  vendors: OverviewAnswer["vendors"];
  /** How many credentials match the filters, and how many there are. */
  matching: number;
  total: number;
  onChange: (next: Partial<OverviewQuery>) => void;
}) {
  const t = useTranslations("overview");
  const th = useTranslations("health");
  const ids = { vendor: useId(), health: useId(), search: useId() };
  const filtered = Boolean(vendor || health || search.trim());
  return (
    <form role="search" aria-label={t("filterLabel")} className="flex flex-wrap items-end gap-3" onSubmit={(e) => e.preventDefault()}>
      <div className="flex flex-col gap-1">
        <label htmlFor={ids.search} className="text-xs font-medium text-slate-600 dark:text-slate-400">
          {t("search")}
        </label>
        <input
          id={ids.search}
          type="search"
          value={search}
          maxLength={200}
          onChange={(e) => onChange({ q: e.target.value })}
          placeholder={t("searchPlaceholder")}
          className={`${filterControl} w-64`}
        />
      </div>
      <FilterSelect
        id={ids.vendor}
        label={t("vendor")}
        anyLabel={t("allVendors")}
        value={vendor}
        options={vendors.map((v) => [v.vendor, v.label] as const)}
        onChange={(v) => onChange({ vendor: v as OverviewQuery["vendor"] })}
      />
      <FilterSelect
        id={ids.health}
        label={t("health")}
        anyLabel={t("anyHealth")}
        value={health}
        options={HEALTHS.map((h) => [h, th(h)] as const)}
        onChange={(h) => onChange({ health: h })}
      />
      {filtered && (
        <p className="pb-1.5 text-sm text-slate-600 dark:text-slate-400" aria-live="polite">
          {t("showing", { shown: matching, total })}{" "}
          <button type="button" className="text-sky-700 underline dark:text-sky-400" onClick={() => onChange({ vendor: "", health: "", q: "" })}>
            {t("clearFilters")}
          </button>
        </p>
      )}
    </form>
  );
}
