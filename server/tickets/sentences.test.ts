import { describe, expect, it } from "vitest";
import { VENDOR_KINDS, VENDORS } from "@/lib/credential-kinds";
import { sentence } from "@/lib/sentence";
import en from "@/i18n/messages/en.json";
import { runbookFor } from "../alerts/runbook";
import { failurePolicy, QUOTA_PAUSE_REASON } from "./failure-policy";
import { policyFor } from "./policy";
import { english, sentenceOf, UNTRANSLATED } from "./sentences";
import { timeToImpact } from "./time-to-impact";

const now = new Date("2026-03-01T10:00:00Z");
const decide = (failure: Parameters<typeof failurePolicy>[0]["failure"], retryAfterMs?: number) =>
  failurePolicy({ failure, consecutiveFailures: 2, retryAfterMs, now, random: () => 0.5 }).reason;

// Texts as the server writes them today: by the failure policy and the lifecycle (composed from the
// templates), and by modules that write their own words (quota.ts, clear-quota.ts, manage-apps.ts,
// seed-demo-apps.ts, the vendor modules and vendors/http.ts, the consumer API, post-webhook.ts).
const REASONS = [
  decide("bad-config"),
  decide("quota-exhausted"),
  decide("busy", 300_000),
  decide("rate-limited", 60_000),
  decide("network"),
  decide("bad-response"),
  QUOTA_PAUSE_REASON,
  "quota exhausted on /cgi-bin/ticket/getticket (10000/10000 calls used today): paused until the vendor's reset at 00:00 UTC+8",
  "quota exhausted on /cgi-bin/ticket/getticket (the vendor reported its daily quota used up): paused until the vendor's reset at 00:00 UTC+8",
  "quota pause lifted (/cgi-bin/ticket/getticket answered again): due now",
  "quota cleared with clear_quota: due now",
  "quota limits changed: due now, if today's use allows",
  "first fetch",
  "app settings changed: fetch with the new ones",
  "token rotated: fetch with the new token",
  "refresh in progress (manual)",
  "refresh in progress (due, and a ticket that dies with it is being fetched)",
  "refresh in progress (refused at the vendor (reported by API key th_live_ab12…))",
  "refresh in progress (force_refresh requested through the proxy)",
];
const ERRORS = [
  "WeChat -1: system error",
  "WeChat 45009: reach max api daily quota limit",
  "Feishu 99991663: Invalid access token for authorization. Please make a request with token attached.",
  "FaceID -1: 系统繁忙, 请稍后再试",
  "yzb 5000: server busy",
  "no answer within 1500 ms",
  "no answer within 15000 ms",
  "HTTP 500 from the vendor",
  "cannot reach http://127.0.0.1:9: ECONNREFUSED",
  "WeChat answered with a body that is not JSON (content-type text/html)",
  "http://127.0.0.1:4010 answered with a redirect: not followed",
  "access token: WeChat 40013: invalid appid",
  "access token: no usable access token",
  "WeChat 40001: invalid credential — still refused after the access token was renewed twice: check the app secret (AppSecret), or whether the app id belongs to the right account",
];
const DELIVERIES = [
  "delivery failed: refused by the address guard",
  "delivery failed: HTTP 502",
  "delivery failed: could not connect",
  "delivery failed: the bot answered something other than JSON",
  "delivery failed: the bot refused it (code 19021)",
];

describe("server-composed sentences", () => {
  it("reads every refresh reason, last error and delivery error back into a code, and writes the same English from it", () => {
    for (const [ns, texts] of [
      ["reason", REASONS],
      ["error", ERRORS],
      ["delivery", DELIVERIES],
    ] as const) {
      for (const text of texts) {
        const s = sentenceOf(text, ns);
        expect({ text, code: s.code }).not.toEqual({ text, code: UNTRANSLATED });
        expect(english(s)).toBe(text);
      }
    }
  });

  it("keeps the parameters a page needs: counts and durations as numbers, the failure class, the vendor's own words apart", () => {
    expect(sentenceOf(decide("busy", 300_000), "reason")).toEqual(sentence("reason.busy", { count: 2, duration: 300 }));
    expect(sentenceOf(decide("network"), "reason")).toEqual(sentence("reason.retry", { count: 2, failure: "network" }));
    expect(sentenceOf("access token: WeChat 40013: invalid appid", "error")).toEqual(
      sentence("error.accessToken", { error: sentence("error.vendor", { vendor: "WeChat", code: "40013", text: "invalid appid" }) }),
    );
    expect(sentenceOf("refresh in progress (manual)", "reason")).toEqual(sentence("reason.inProgress", { trigger: sentence("trigger.manual") }));
  });

  it("names the policy in a scheduled reason when it is the credential's own, and keeps a text it cannot read as it is (English)", () => {
    const policy = policyFor("wechat", "access_token");
    expect(sentenceOf(`scheduled: ${policy.description}`, "reason", { policy: policy.sentence })).toEqual(
      sentence("reason.scheduled", { policy: policy.sentence }),
    );
    expect(sentenceOf("scheduled: refresh at about 2/3 of the lifetime", "reason", { policy: policy.sentence }).params.policy).toEqual(
      sentence(UNTRANSLATED, { text: "refresh at about 2/3 of the lifetime" }),
    );
    const odd = "Invalid `prisma.credential.update()` invocation: database is locked";
    expect(sentenceOf(odd, "error")).toEqual(sentence(UNTRANSLATED, { text: odd }));
    expect(english(sentenceOf(odd, "error"))).toBe(odd);
  });

  it("says each policy, with and without an app's override, in the same words as its description", () => {
    const overrides = [
      {},
      { schedules: { access_token: { refreshAtFraction: 0.5 } } },
      { schedules: { access_token: { everySeconds: 1800, jitterSeconds: 30 } } },
      { schedules: { access_token: { refreshWhenRemainingSeconds: 600 } } },
      { schedules: { access_token: { jitterSeconds: 10 } } },
      { schedules: { access_token: { everySeconds: 3600 } } },
    ];
    for (const vendor of VENDORS) {
      for (const { kind } of VENDOR_KINDS[vendor]) {
        for (const o of overrides) {
          const policy = policyFor(vendor, kind, o);
          expect({ vendor, kind, text: english(policy.sentence) }).toEqual({ vendor, kind, text: policy.description });
        }
      }
    }
    expect(policyFor("faceid", "access_token", { schedules: { access_token: { everySeconds: 3600 } } }).description).toMatch(/clamped to at most every 20 min/);
  });

  it("says what blocks a refresh as a code as well as in English", () => {
    const i = timeToImpact({ now, expiresAt: null, failing: true, lastErrorClass: "bad-config", nextRefreshAt: null, quota: null, lease: null });
    expect(i.blocked).toEqual(sentence("blocked.badConfig"));
    expect(i.blockedBy).toBe("bad configuration: no refresh can succeed until the app is changed");
  });

  it("gives each runbook an id the dashboard translates, with the English words unchanged", () => {
    const rb = runbookFor({ kind: "bad-config", message: "WeChat 40013: invalid appid", vendor: "wechat" });
    expect(rb).toMatchObject({ id: "wrongAppId", title: "Wrong app id", linkText: "Apps page", href: "/apps" });
    expect(runbookFor({ kind: "quota-exhausted", message: "WeChat 45009: x", vendor: "wechat" })).toMatchObject({
      id: "quotaWechat",
      title: "Daily quota used up",
      linkText: null,
      action: "clear-quota",
    });
    expect(Object.keys(en.runbooks)).toContain("whitelistIp");
  });
});
