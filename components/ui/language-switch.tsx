"use client";
import { useLocale, useTranslations } from "next-intl";
import { LOCALE_COOKIE, LOCALES, type Locale } from "@/i18n/locales";

/**
 * Chooses the dashboard's language; the choice is remembered for a year in a cookie and wins over
 * the browser's Accept-Language. The page reloads so server-rendered text changes too.
 */
export function LanguageSwitch() {
  const t = useTranslations("language");
  const current = useLocale();
  const choose = (locale: Locale) => {
    // biome-ignore lint/suspicious/noDocumentCookie: a plain preference read on the server; the Cookie Store API is not in every browser ops use.
    document.cookie = `${LOCALE_COOKIE}=${locale}; path=/; max-age=31536000; samesite=lax`;
    window.location.reload();
  };
  return (
    <div role="group" aria-label={t("label")} className="flex items-center rounded-md border border-slate-300 text-xs dark:border-slate-700">
      {LOCALES.map((l) => (
        <button
          key={l}
          type="button"
          lang={l}
          aria-pressed={l === current}
          disabled={l === current}
          onClick={() => choose(l)}
          className="px-2 py-1 font-medium first:rounded-l-md last:rounded-r-md hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-sky-600 aria-pressed:bg-slate-800 aria-pressed:text-white dark:hover:bg-slate-800 dark:aria-pressed:bg-slate-200 dark:aria-pressed:text-slate-900"
        >
          {t(l)}
        </button>
      ))}
    </div>
  );
}
