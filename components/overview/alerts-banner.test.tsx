import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { NextIntlClientProvider } from "next-intl";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import en from "@/i18n/messages/en.json";
import type { AlertView } from "@/lib/alert-view";
import { alertKeys } from "@/lib/query-keys";
import { SessionProvider } from "@/components/session/session-context";
import type { Role } from "@/lib/roles";
import { AlertsBanner } from "./alerts-banner";
import { nextRefetchMs } from "./api/get-alerts";
import { SAFETY_REFETCH_MS } from "@/components/ui/safety-refetch";
import { alertView } from "@/test-support/alert-view";

const alert = alertView;

function render(open: AlertView[], role: Role = "viewer"): string {
  const client = new QueryClient();
  client.setQueryData(alertKeys.all, { open, recent: [] });
  return renderToStaticMarkup(
    <NextIntlClientProvider locale="en" messages={en} timeZone="UTC">
      <SessionProvider user={{ username: "someone", role }}>
        <QueryClientProvider client={client}>
          <AlertsBanner />
        </QueryClientProvider>
      </SessionProvider>
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

  it("an alert with no credential page (an app's quota running low): an operator acknowledges or silences it here; a viewer only reads it", () => {
    const quota = alert({ id: "quota", kind: "quota", credentialId: null, message: "WeChat demo wechat token: 1700 of 2000 calls used today (85 %)" });
    const operator = render([quota, loud], "operator");
    expect(operator).toContain("1700 of 2000 calls used today");
    // Its buttons; the credential's alert keeps its link to the page that has them.
    expect(operator.match(/>Acknowledge</g)).toHaveLength(1);
    expect(operator).toContain(">Silence 1 h<");
    expect(operator).toContain(">Silence 24 h<");
    expect(operator).toContain('href="/credentials/c"');
    const viewer = render([quota, loud], "viewer");
    expect(viewer).toContain("1700 of 2000 calls used today");
    expect(viewer).not.toContain(">Acknowledge<");
  });

  it("an app's quota alert brings its runbook, folded under its title, with clear_quota inside it for an admin only; one this build does not know reads in English", () => {
    const runbook = { title: "WeChat's daily quota low or used up", text: "…", href: null, linkText: null, addresses: null };
    const quota = alert({
      id: "quota",
      kind: "quota",
      credentialId: null,
      message: "WeChat demo /cgi-bin/token: 1700 of 2000 calls used today (85 %)",
      runbook: { id: "quotaWechatCount", action: "clear-quota", ...runbook },
    });
    const admin = render([quota], "admin");
    expect(admin).toMatch(/<details[^>]*><summary[^>]*>Runbook: WeChat&#x27;s daily quota low or used up<\/summary>/);
    expect(admin).toContain("at most 10 resets a month per account");
    // The action after the text that explains it, inside the disclosure.
    expect(admin.indexOf(">Clear quota (WeChat clear_quota)<")).toBeGreaterThan(admin.indexOf("at most 10 resets a month per account"));
    expect(admin.indexOf(">Clear quota (WeChat clear_quota)<")).toBeLessThan(admin.indexOf("</details>"));
    const operator = render([quota], "operator");
    expect(operator).toContain("at most 10 resets a month per account");
    expect(operator).not.toContain("Clear quota");
    // Done since the alert opened (in another tab, by another admin): said, and not offered again.
    const done = render([{ ...quota, quotaClearedAt: new Date().toISOString() }], "admin");
    expect(done).not.toContain(">Clear quota (WeChat clear_quota)<");
    expect(done).toContain("Quota cleared with clear_quota at");
    const newer = render([alert({ ...quota, runbook: { ...quota.runbook!, id: "fromANewerServer", title: "Something new", text: "Do this." } })], "admin");
    expect(newer).toContain('<span lang="en">Runbook: Something new</span>');
  });

  it("a silenced alert with no credential page is listed in the quiet line, with who silenced it, until when, and the button that ends it", () => {
    const quota = alert({
      id: "quota",
      kind: "quota",
      credentialId: null,
      message: "WeChat demo wechat token: 1700 of 2000 calls used today (85 %)",
      silencedUntil: "2026-11-30T13:00:00.000Z",
      silencedBy: "admin",
    });
    const html = render([quota, quiet], "operator");
    expect(html).not.toContain("<section");
    // Counted apart: the credential's alert is on its page, the quota alert is listed here.
    expect(html).toContain("1 silenced alert: its notifications are held back; who silenced it and until when is on its credential page");
    expect(html).toContain("1 silenced alert with no credential page (an app&#x27;s quota), its notifications held back:");
    expect(html).toContain("1700 of 2000 calls used today");
    expect(html).toContain("notifications silenced by admin until");
    expect(html.match(/>End silence</g)).toHaveLength(1);
    // The silenced credential's alert stays a count: its page has its buttons.
    expect(html).not.toContain("yzb demo: daily quota used up");
  });

  it("asks again soon after a silence ends (nothing in the database changes then)", () => {
    const now = Date.parse("2026-11-30T12:59:50.000Z");
    expect(nextRefetchMs({ open: [loud, quiet], recent: [] }, now)).toBe(10_500);
    expect(nextRefetchMs({ open: [loud], recent: [] }, now)).toBe(SAFETY_REFETCH_MS);
  });
});
