import { cookies, headers } from "next/headers";
import { getRequestConfig } from "next-intl/server";
import { LOCALE_COOKIE, pickLocale } from "./locales";
import { BROWSER_ZONE_COOKIE, serverTimeZone, ZONE_COOKIE } from "./time-zone";

// next-intl's per-request configuration (no locale in the URL: links stay shareable across languages).
export default getRequestConfig(async () => {
  const jar = await cookies();
  const locale = pickLocale(jar.get(LOCALE_COOKIE)?.value, (await headers()).get("accept-language"));
  // The zone times are shown in (the switch's choice, or the browser's zone once the browser has said it);
  // on a first visit none is known and times appear after hydration, in the browser's zone.
  const timeZone = serverTimeZone(jar.get(ZONE_COOKIE)?.value, jar.get(BROWSER_ZONE_COOKIE)?.value);
  return { locale, messages: (await import(`./messages/${locale}.json`)).default, ...(timeZone ? { timeZone } : {}) };
});
