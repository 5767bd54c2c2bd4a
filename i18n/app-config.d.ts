import type messages from "./messages/en.json";
import type { Locale } from "./locales";

// Typed message keys and locales: a key missing from en.json, or a wrong placeholder, fails `tsc`.
declare module "next-intl" {
  interface AppConfig {
    Locale: Locale;
    Messages: typeof messages;
  }
}
