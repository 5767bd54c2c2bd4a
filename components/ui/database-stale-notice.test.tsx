import { NextIntlClientProvider } from "next-intl";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import en from "@/i18n/messages/en.json";
import zh from "@/i18n/messages/zh-CN.json";
import { DatabaseStaleNotice } from "./database-stale-notice";

const outage = { since: "2026-11-30T12:00:05.000Z", confirmedAt: "2026-11-30T12:00:04.000Z" };

describe("the stale banner for a database outage", () => {
  it("names the database, since when, and when the values shown were confirmed, in the chosen zone", () => {
    const html = renderToStaticMarkup(
      <NextIntlClientProvider locale="en" messages={en} timeZone="Asia/Shanghai">
        <DatabaseStaleNotice outage={outage} />
      </NextIntlClientProvider>,
    );
    expect(html).toContain("Database unreachable since 20:00:05 UTC+8; values shown were confirmed at 20:00:04 UTC+8.");
  });

  it("in Chinese, and without a confirmation", () => {
    const html = renderToStaticMarkup(
      <NextIntlClientProvider locale="zh-CN" messages={zh} timeZone="UTC">
        <DatabaseStaleNotice outage={{ since: outage.since, confirmedAt: null }} />
      </NextIntlClientProvider>,
    );
    expect(html).toContain("数据库自 12:00:05 UTC 起无法访问");
  });
});
