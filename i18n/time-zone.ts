/** Set by the time-zone switch: "Asia/Shanghai" for UTC+8, anything else (or none) for the browser's zone. */
export const ZONE_COOKIE = "th_tz";
/** The browser's own zone, written by the switch on every visit so the server renders times as the browser will. */
export const BROWSER_ZONE_COOKIE = "th_browser_tz";
/** The vendors' day (quotas reset at midnight Beijing time): one click away. */
export const SHANGHAI = "Asia/Shanghai";

export type ZoneChoice = "local" | "utc8";

export const zoneChoice = (cookie: string | undefined): ZoneChoice => (cookie === SHANGHAI ? "utc8" : "local");

/** Whether the runtime knows this IANA zone (a cookie is user input). */
export function isTimeZone(value: string | undefined): value is string {
  if (!value || value.length > 64) return false;
  try {
    new Intl.DateTimeFormat("en", { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

/** The zone the server renders times in: the choice, else the browser's zone it was told, else none known. */
export function serverTimeZone(choice: string | undefined, browser: string | undefined): string | undefined {
  if (zoneChoice(choice) === "utc8") return SHANGHAI;
  return isTimeZone(browser) ? browser : undefined;
}
