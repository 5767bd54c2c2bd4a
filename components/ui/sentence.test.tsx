import { NextIntlClientProvider } from "next-intl";
import type { ReactNode } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import en from "@/i18n/messages/en.json";
import zh from "@/i18n/messages/zh-CN.json";
import { type Sentence, sentence } from "@/lib/sentence";
import { english, sentenceOf } from "@/server/tickets/sentences";
import { LastErrorText, SentenceText } from "./sentence";

function render(locale: "en" | "zh-CN", node: ReactNode): string {
  return renderToStaticMarkup(
    <NextIntlClientProvider locale={locale} messages={locale === "en" ? en : zh} timeZone="Asia/Shanghai">
      {node}
    </NextIntlClientProvider>,
  );
}
const text = (html: string) =>
  html
    .replace(/<[^>]+>/g, "")
    .replaceAll("&#x27;", "'")
    .replaceAll("&quot;", '"');

const wrongApp = sentence("alert.badConfig", {
  app: "Shop",
  kind: "Access token",
  error: sentenceOf("WeChat 40013: invalid appid", "error"),
  impact: sentence("alert.failingNow", { refresh: sentence("alert.refreshNever") }),
});

describe("SentenceText", () => {
  it("says a server-composed sentence in Chinese, the vendor's own words kept as sent and marked", () => {
    const html = render("zh-CN", <SentenceText sentence={wrongApp} />);
    expect(text(html)).toBe(
      "Shop access_token：配置错误，已停止刷新（WeChat 返回 40013：invalid appid）；没有有效值：客户端正在失败，刷新在修改应用之前都不会成功",
    );
    expect(html).toContain('<span translate="no" lang="en">invalid appid</span>');
    expect(html.match(/lang="en"/g)).toHaveLength(1);
  });

  it("says in English exactly what the server stores and sends", () => {
    const samples: Sentence[] = [
      wrongApp,
      sentence("alert.atRisk", { app: "Shop", kind: "jsapi ticket", impact: "", blocked: sentence("alert.blocked", { blocked: sentence("blocked.retry") }) }),
      sentence("alert.refreshFailing", { app: "Shop", kind: "jsapi ticket", count: 3, error: sentenceOf("HTTP 500 from the vendor", "error") }),
      sentenceOf("quota exhausted on /cgi-bin/ticket/getticket (500/500 calls used today): paused until the vendor's reset at 00:00 UTC+8", "reason"),
      sentenceOf("refresh in progress (read by a client)", "reason"),
      sentenceOf("retry 2 after network", "reason"),
    ];
    for (const s of samples) expect(text(render("en", <SentenceText sentence={s} />))).toBe(english(s));
  });

  it("shows durations and times in the page's language and zone, never raw seconds or ISO", () => {
    const busy = render(
      "zh-CN",
      <SentenceText sentence={sentenceOf("retry 1 after busy in 300 s (the vendor asks to try again in a few minutes)", "reason")} />,
    );
    expect(text(busy)).toBe("厂商繁忙，5分00秒后第 1 次重试（厂商要求几分钟后再试）");
    const valid = render("zh-CN", <SentenceText sentence={sentence("check.valid", { untilAt: "2026-11-30T12:00:00.000Z" })} />);
    expect(text(valid)).toBe("yzb checkCode：有效至 2026/11/30 20:00:00 UTC+8");
    expect(valid).toContain('<time dateTime="2026-11-30T12:00:00.000Z">');
  });

  it("keeps a text no template reads as the server wrote it, marked English; a last error leads with its failure class", () => {
    const odd = render("zh-CN", <LastErrorText error={{ class: "network", message: "socket hang up", sentence: sentenceOf("socket hang up", "error") }} />);
    expect(odd).toBe('网络错误：<span lang="en">socket hang up</span>');
    const old = render("zh-CN", <SentenceText sentence={undefined} fallback="an English text from an older server" />);
    expect(old).toBe('<span lang="en">an English text from an older server</span>');
  });
});
