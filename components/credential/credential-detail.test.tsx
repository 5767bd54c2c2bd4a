import { AppRouterContext } from "next/dist/shared/lib/app-router-context.shared-runtime";
import { NextIntlClientProvider } from "next-intl";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import en from "@/i18n/messages/en.json";
import zh from "@/i18n/messages/zh-CN.json";
import { CredentialDetail } from "./credential-detail";

// The page asks the server again through the app router (router.refresh): a stand-in that does nothing here.
const router = { refresh: () => {}, push: () => {}, replace: () => {}, back: () => {}, forward: () => {}, prefetch: () => {}, bfcacheId: "test" };

const render = (locale: "en" | "zh-CN", app: string | null | undefined) =>
  renderToStaticMarkup(
    <AppRouterContext.Provider value={router}>
      <NextIntlClientProvider locale={locale} messages={locale === "en" ? en : zh} timeZone="UTC">
        <CredentialDetail id="c1" app={app} />
      </NextIntlClientProvider>
    </AppRouterContext.Provider>,
  );

describe("the credential page before it reads anything", () => {
  it("says the database did not answer when the server could not find the credential's app, with a way to ask again", () => {
    const html = render("en", undefined);
    expect(html).toContain("Could not load the credential: Database unreachable");
    expect(html).toMatch(/<button[^>]*>Try again<\/button>/);
    expect(render("zh-CN", undefined)).toContain("无法加载凭证：数据库无法访问");
  });

  it("says there is no such credential when the server found none, without asking the API", () => {
    const html = render("en", null);
    expect(html).toContain("No credential with id c1.");
    expect(html).toContain('href="/"');
  });
});
