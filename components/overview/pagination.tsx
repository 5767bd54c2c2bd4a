"use client";
import { useTranslations } from "next-intl";
import type { OverviewAnswer } from "@/lib/overview-view";

const button =
  "rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium shadow-sm hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-600 aria-disabled:cursor-not-allowed aria-disabled:opacity-50 aria-disabled:hover:bg-white dark:border-slate-700 dark:bg-slate-900 dark:hover:bg-slate-800 dark:aria-disabled:hover:bg-slate-900";

/**
 * Pages of the overview: which rows are shown of how many match, and buttons to move. At the first
 * or last page its buttons stay focusable (aria-disabled, not disabled), so a keyboard user paging
 * with Enter keeps their place instead of losing focus to the page.
 */
export function Pagination({ page, onPage }: { page: OverviewAnswer["page"]; onPage: (page: number) => void }) {
  const t = useTranslations("overviewPaging");
  if (page.pages <= 1) return null;
  const from = (page.number - 1) * page.size + 1;
  const to = Math.min(page.matching, page.number * page.size);
  const go = (target: number) => () => {
    if (target >= 1 && target <= page.pages && target !== page.number) onPage(target);
  };
  // First and last are arrows alone (named for screen readers); previous and next also say it.
  const moves = [
    ["first", 1, "«", false],
    ["previous", page.number - 1, "‹", true],
    ["next", page.number + 1, "›", true],
    ["last", page.pages, "»", false],
  ] as const;
  const label = (name: (typeof moves)[number][0], arrow: string, said: boolean) =>
    said ? (
      // The arrow on the side it points to: "‹ Previous page", "Next page ›".
      name === "next" ? (
        <>
          {t(name)} <span aria-hidden>{arrow}</span>
        </>
      ) : (
        <>
          <span aria-hidden>{arrow}</span> {t(name)}
        </>
      )
    ) : (
      <span aria-hidden>{arrow}</span>
    );
  return (
    <nav aria-label={t("label")} className="flex flex-wrap items-center justify-between gap-2 text-sm">
      <p className="text-slate-600 tabular-nums dark:text-slate-400">{t("range", { from, to, total: page.matching })}</p>
      <div className="flex flex-wrap items-center gap-1">
        {moves.slice(0, 2).map(([name, target, arrow, said]) => (
          <button
            key={name}
            type="button"
            className={button}
            aria-disabled={page.number <= 1 || undefined}
            aria-label={said ? undefined : t(name)}
            onClick={go(target)}
          >
            {label(name, arrow, said)}
          </button>
        ))}
        <span aria-current="page" className="px-2 tabular-nums">
          {t("pageOf", { page: page.number, pages: page.pages })}
        </span>
        {moves.slice(2).map(([name, target, arrow, said]) => (
          <button
            key={name}
            type="button"
            className={button}
            aria-disabled={page.number >= page.pages || undefined}
            aria-label={said ? undefined : t(name)}
            onClick={go(target)}
          >
            {label(name, arrow, said)}
          </button>
        ))}
      </div>
    </nav>
  );
}
