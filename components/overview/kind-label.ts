"use client";
import { useTranslations } from "next-intl";

// The catalog's credential names are mostly API terms that read the same in every language
// ("jsapi ticket", "tenant_access_token", "SIGN ticket"); the plain-English ones are translated.
const TRANSLATED = { "Access token": "accessToken", "Server access token": "serverAccessToken" } as const;

/** A credential's name (the catalog's kindLabel) in the page's language. */
export function useKindLabel(): (kindLabel: string) => string {
  const t = useTranslations("overview.kindLabels");
  return (label) => (label in TRANSLATED ? t(TRANSLATED[label as keyof typeof TRANSLATED]) : label);
}
