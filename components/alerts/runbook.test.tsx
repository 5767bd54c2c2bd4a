// The runbook's clear_quota action (an admin's): offered, or said done, for one alert.
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { NextIntlClientProvider } from "next-intl";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { SessionProvider } from "@/components/session/session-context";
import en from "@/i18n/messages/en.json";
import type { AlertView } from "@/lib/alert-view";
import { vendorDayStart } from "@/lib/vendor-day";
import { alertView } from "@/test-support/alert-view";
import { ClearQuotaAction } from "./runbook";

const alert = (over: Partial<AlertView>): AlertView =>
  alertView({
    kind: "quota-exhausted",
    message: "WeChat demo jsapi ticket: daily quota used up (WeChat 45009)",
    openedAt: new Date(Date.now() - 60_000).toISOString(),
    runbook: { id: "quotaWechat", title: "Daily quota used up", text: "…", href: null, linkText: null, action: "clear-quota", addresses: null },
    ...over,
  });

function render(a: AlertView, refusedAt: string | null = null): string {
  return renderToStaticMarkup(
    <NextIntlClientProvider locale="en" messages={en} timeZone="UTC">
      <SessionProvider user={{ username: "someone", role: "admin" }}>
        <QueryClientProvider client={new QueryClient()}>
          <ClearQuotaAction alert={a} refusedAt={refusedAt} />
        </QueryClientProvider>
      </SessionProvider>
    </NextIntlClientProvider>,
  );
}

const BUTTON = ">Clear quota (WeChat clear_quota)<";

describe("Clear quota on an alert", () => {
  it("is offered until a clear is made for the incident; then it says so instead, and is offered again once WeChat refuses after it", () => {
    expect(render(alert({}))).toContain(BUTTON);
    const clearedAt = new Date(Date.now() - 30_000).toISOString();
    const cleared = alert({ quotaClearedAt: clearedAt });
    expect(render(cleared)).not.toContain(BUTTON);
    expect(render(cleared)).toContain("Quota cleared with clear_quota at");
    // A refusal from before the clear (the one that opened the alert) changes nothing.
    expect(render(cleared, new Date(Date.now() - 45_000).toISOString())).not.toContain(BUTTON);
    // WeChat refused again after it (other systems spend the same quota): the button is back.
    expect(render(cleared, new Date(Date.now() - 10_000).toISOString())).toContain(BUTTON);
  });

  it("a clear on an earlier vendors' day does not hold back today's (a new day's quota)", () => {
    const yesterday = new Date(vendorDayStart(new Date()).getTime() - 60_000).toISOString();
    expect(render(alert({ openedAt: new Date(vendorDayStart(new Date()).getTime() - 120_000).toISOString(), quotaClearedAt: yesterday }))).toContain(BUTTON);
  });
});
