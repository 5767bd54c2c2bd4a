/**
 * One way to show a moment: date and time to the second, in the zone chosen, with that zone's
 * offset ("UTC+8", "UTC", "UTC-5") so no time is ever read in the wrong zone. A 24-hour clock in
 * Chinese; English keeps its locale's clock.
 */
export function formatDateTime(at: string | number | Date, locale: string, timeZone: string): string {
  const date = at instanceof Date ? at : new Date(at);
  if (Number.isNaN(date.getTime())) return String(at);
  const zh = locale.startsWith("zh");
  const text = new Intl.DateTimeFormat(locale, {
    timeZone,
    year: "numeric",
    month: zh ? "2-digit" : "short",
    day: zh ? "2-digit" : "numeric",
    hour: zh ? "2-digit" : "numeric",
    minute: "2-digit",
    second: "2-digit",
    ...(zh ? { hourCycle: "h23" as const } : {}),
  }).format(date);
  return `${text} ${zoneOffset(date, timeZone)}`;
}

/** The zone's offset from UTC at that moment, e.g. "UTC+8", "UTC+5:30", "UTC". */
export function zoneOffset(at: Date, timeZone: string): string {
  const name =
    new Intl.DateTimeFormat("en-US", { timeZone, timeZoneName: "shortOffset" }).formatToParts(at).find((p) => p.type === "timeZoneName")?.value ?? "GMT";
  return name
    .replace(/^GMT/, "UTC")
    .replace("\u2212", "-")
    .replace(/^UTC[+-]0$/, "UTC");
}
