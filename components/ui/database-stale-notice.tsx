"use client";
import { useLocale, useTranslations } from "next-intl";
import type { DatabaseOutage } from "@/lib/database-outage";
import { dateTimeFormat, zoneOffset } from "./format-time";
import { useDisplayZone } from "./use-time-zone";

/** HH:MM:SS (24-hour) in the chosen zone, with its offset: the moments of an outage are minutes apart. */
function useFormatClockTime(): (iso: string) => string {
  const locale = useLocale();
  const zone = useDisplayZone();
  return (iso) => {
    const at = new Date(iso);
    if (Number.isNaN(at.getTime())) return iso;
    const time = dateTimeFormat(locale, { timeZone: zone, hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" }).format(at);
    return `${time} ${zoneOffset(at, zone)}`;
  };
}

/**
 * The stale banner's text while the server answers but its database does not: since when, and when
 * what the page shows was last confirmed. Rendered inside StaleBanner's live region.
 */
export function DatabaseStaleNotice({ outage }: { outage: DatabaseOutage }) {
  const t = useTranslations("dbStale");
  const time = useFormatClockTime();
  return (
    <p className="mb-4 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100">
      <strong className="font-semibold">
        {outage.confirmedAt
          ? t("title", { since: time(outage.since), confirmed: time(outage.confirmedAt) })
          : t("titleUnconfirmed", { since: time(outage.since) })}
      </strong>{" "}
      {t("body")}
    </p>
  );
}
