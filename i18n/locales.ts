import { match } from "@formatjs/intl-localematcher";
import Negotiator from "negotiator";

/** The dashboard's languages: Simplified Chinese for the ops and QA who live in WeChat, Feishu and yzb, and English. */
export const LOCALES = ["zh-CN", "en"] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = "en";
/** Set by the language switch (a year); wins over the browser's Accept-Language. */
export const LOCALE_COOKIE = "th_locale";

export function isLocale(value: unknown): value is Locale {
  return typeof value === "string" && (LOCALES as readonly string[]).includes(value);
}

/**
 * The switch's choice when there is one, else the best match for the browser's languages (any
 * Chinese, `zh`, `zh-Hans`, `zh-TW`…, reads the Simplified Chinese UI; anything unknown reads English).
 */
export function pickLocale(cookie: string | undefined, acceptLanguage: string | null): Locale {
  if (isLocale(cookie)) return cookie;
  const asked = new Negotiator({ headers: { "accept-language": acceptLanguage ?? "" } }).languages();
  if (asked.length === 0 || (asked.length === 1 && asked[0] === "*")) return DEFAULT_LOCALE;
  try {
    return match(
      asked.map((l) => (/^zh\b/i.test(l) ? "zh-CN" : l)),
      LOCALES,
      DEFAULT_LOCALE,
    ) as Locale;
  } catch {
    return DEFAULT_LOCALE;
  }
}
