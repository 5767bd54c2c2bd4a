"use client";
import { useLocale } from "next-intl";
import { formatDateTime } from "./format-time";
import { useDisplayZone } from "./use-time-zone";

/** A formatter for the chosen zone and the page's language, for text that is not a lone <time>. */
export function useFormatDateTime(): (at: string | number | Date) => string {
  const locale = useLocale();
  const zone = useDisplayZone();
  return (at) => formatDateTime(at, locale, zone);
}

/** A moment, shown in the chosen zone with its offset; machine-readable in `dateTime`. */
export function DateTime({ at, className }: { at: string; className?: string }) {
  const format = useFormatDateTime();
  return (
    <time dateTime={at} className={className}>
      {format(at)}
    </time>
  );
}
