import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { NextIntlClientProvider } from "next-intl";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import en from "@/i18n/messages/en.json";
import type { AlertView } from "@/lib/alert-view";
import { alertKeys } from "@/lib/query-keys";
import { AlertsBanner } from "./alerts-banner";
import { nextRefetchMs } from "./api/get-alerts";
import { SAFETY_REFETCH_MS } from "@/components/ui/safety-refetch";

const alert = (over: Partial<AlertView>): AlertView => ({
  id: "a",
  kind: "bad-config",
  message: "m",
  appName: "WeChat demo",
  credentialId: "c",
  openedAt: "2026-11-30T12:00:00.000Z",
  resolvedAt: null,
  notified: true,
  deliveryError: null,
  appRef: "app",
  acknowledgedAt: null,
  acknowledgedBy: null,
  silencedUntil: null,
  silencedBy: null,
  runbook: null,
  ...over,
});

function render(open: AlertView[]): string {
  const client = new QueryClient();
  client.setQueryData(alertKeys.all, { open, recent: [] });
  return renderToStaticMarkup(
    <NextIntlClientProvider locale="en" messages={en} timeZone="UTC">
      <QueryClientProvider client={client}>
        <AlertsBanner />
      </QueryClientProvider>
    </NextIntlClientProvider>,
  );
}

const loud = alert({ id: "loud", message: "WeChat demo access token: bad configuration" });
const acked = alert({ id: "acked", message: "Feishu demo: at risk", acknowledgedAt: "2026-11-30T12:01:00.000Z", acknowledgedBy: "operator" });
const quiet = alert({ id: "quiet", message: "yzb demo: daily quota used up", silencedUntil: "2026-11-30T13:00:00.000Z", silencedBy: "admin" });

describe("the overview's alerts banner", () => {
  it("does not shout a silenced alert: it lists the others (acknowledged ones last, marked) and counts the silenced one quietly", () => {
    const html = render([acked, quiet, loud]);
    expect(html).toContain("2 open alerts");
    expect(html).not.toContain("yzb demo: daily quota used up");
    expect(html).toContain("1 silenced alert");
    expect(html.indexOf("bad configuration")).toBeLessThan(html.indexOf("Feishu demo: at risk"));
    expect(html).toContain("acknowledged by operator");
    expect(html.match(/acknowledged by/g)).toHaveLength(1);
  });

  it("with only silenced alerts: no red banner, one quiet line", () => {
    const html = render([quiet]);
    expect(html).not.toContain("open alert");
    expect(html).not.toContain("<section");
    expect(html).toContain("1 silenced alert");
  });

  it("asks again soon after a silence ends (nothing in the database changes then)", () => {
    const now = Date.parse("2026-11-30T12:59:50.000Z");
    expect(nextRefetchMs({ open: [loud, quiet], recent: [] }, now)).toBe(10_500);
    expect(nextRefetchMs({ open: [loud], recent: [] }, now)).toBe(SAFETY_REFETCH_MS);
  });
});
