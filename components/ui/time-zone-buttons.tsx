"use client";
import { useTranslations } from "next-intl";
import { useEffect, useSyncExternalStore } from "react";
import type { ZoneChoice } from "@/i18n/time-zone";
import { zoneOffset } from "./format-time";
import { browserZone, chooseZone, rememberBrowserZone, subscribeZone, useZoneChoice } from "./use-time-zone";

/** The time-zone switch's buttons: the browser's zone, or UTC+8 (the vendors' day). No reload needed. */
export function TimeZoneButtons({ initial }: { initial: ZoneChoice }) {
  const t = useTranslations("timeZone");
  const choice = useZoneChoice(initial);
  // Only the browser knows its offset; the server renders the title without it.
  const localOffset = useSyncExternalStore(
    subscribeZone,
    () => zoneOffset(new Date(), browserZone()),
    () => "",
  );
  useEffect(rememberBrowserZone, []);
  const buttons: [ZoneChoice, string, string][] = [
    ["local", t("local"), localOffset ? t("localTitle", { offset: localOffset }) : t("local")],
    ["utc8", t("shanghai"), t("shanghaiTitle")],
  ];
  return (
    <div role="group" aria-label={t("label")} className="flex items-center rounded-md border border-slate-300 text-xs dark:border-slate-700">
      {buttons.map(([value, text, title]) => (
        <button
          key={value}
          type="button"
          title={title}
          aria-pressed={value === choice}
          onClick={() => chooseZone(value)}
          className="whitespace-nowrap px-2 py-1 font-medium first:rounded-l-md last:rounded-r-md hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-sky-600 aria-pressed:bg-slate-800 aria-pressed:text-white dark:hover:bg-slate-800 dark:aria-pressed:bg-slate-200 dark:aria-pressed:text-slate-900"
        >
          {text}
        </button>
      ))}
    </div>
  );
}
