"use client";
import { useLocale } from "next-intl";
import { dateTimeFormat, zoneOffset } from "@/components/ui/format-time";
import { useDisplayZone } from "@/components/ui/use-time-zone";

/**
 * A time of day to the second in the chosen zone, with its offset ("8:31:02 PM UTC",
 * "20:31:02 UTC+8"): a NONCE lives two minutes, so the date would only be noise. A 24-hour clock
 * in Chinese; English keeps its locale's clock, like the dates beside it.
 */
export function useFormatClock(): (at: string) => string {
  const locale = useLocale();
  const timeZone = useDisplayZone();
  return (at) => {
    const date = new Date(at);
    if (Number.isNaN(date.getTime())) return at;
    const zh = locale.startsWith("zh");
    const text = dateTimeFormat(locale, {
      timeZone,
      hour: zh ? "2-digit" : "numeric",
      minute: "2-digit",
      second: "2-digit",
      ...(zh ? { hourCycle: "h23" as const } : {}),
    }).format(date);
    return `${text} ${zoneOffset(date, timeZone)}`;
  };
}
