// Which runbook an alert gets: by its kind first (the vendor client already told what a code meant
// where it came from), then by the vendor code in its message.
import { describe, expect, it } from "vitest";
import { runbookFor } from "./runbook";

describe("runbookFor", () => {
  it("a ticket refused with 40001 again after its token was renewed: the refused-after-renewal runbook, not a wrong secret", () => {
    const r = runbookFor({ kind: "invalid-credential", message: "WeChat 40001: invalid credential, access_token is invalid or not latest", vendor: "wechat" });
    expect(r?.id).toBe("refusedAfterRenewal");
  });

  it("40001 at the token endpoint (a wrong AppSecret, raised as bad-config): the wrong-app runbook", () => {
    const r = runbookFor({ kind: "bad-config", message: "WeChat 40001: invalid credential", vendor: "wechat" });
    expect(r?.id).toBe("wrongApp");
    expect(r?.href).toBe("/apps");
  });

  it("a failing-refresh alert: a code that means a wrong app whatever the endpoint gets its runbook; 40001 alone says too little", () => {
    expect(runbookFor({ kind: "refresh-failing", message: "WeChat 40013: invalid appid", vendor: "wechat" })?.id).toBe("wrongAppId");
    expect(runbookFor({ kind: "refresh-failing", message: "WeChat 40125: invalid appsecret", vendor: "wechat" })?.id).toBe("wrongApp");
    expect(runbookFor({ kind: "refresh-failing", message: "WeChat 40001: invalid credential", vendor: "wechat" })).toBeNull();
  });

  it("40164 names the address WeChat saw the call come from: the one to whitelist, whichever instance draws the page", () => {
    const seen = (message: string) => runbookFor({ kind: "bad-config", message, vendor: "wechat" })?.seenAddress;
    expect(seen("WeChat 40164: invalid ip 203.0.113.9, not in whitelist")).toBe("203.0.113.9");
    expect(seen("WeChat 40164: invalid ip 198.51.100.7 ipv6 ::ffff:198.51.100.7, not in whitelist rid: 6566f3c1-1b2c")).toBe("198.51.100.7");
    expect(seen("WeChat 40164: invalid ip 2001:db8::1, not in whitelist")).toBe("2001:db8::1");
    expect(seen("WeChat 40164: invalid ip")).toBeNull();
    expect(seen("WeChat 40164: invalid ip face, not in whitelist")).toBeNull();
    // As the alert's message wraps the error, and a sentence that ends at the address.
    expect(seen("WeChat demo Access token: bad configuration, refreshing stopped (WeChat 40164: invalid ip 203.0.113.9); clients break at …")).toBe(
      "203.0.113.9",
    );
    expect(seen("WeChat 40164: invalid ip 203.0.113.9.")).toBe("203.0.113.9");
    // Another runbook has none.
    expect(runbookFor({ kind: "bad-config", message: "WeChat 40125: invalid appsecret", vendor: "wechat" })?.seenAddress).toBeNull();
  });

  it("Ticket Hub's own count near a limit: clear_quota for WeChat, the Apps page at the app's own limit, nothing for a vendor limit with no reset", () => {
    const message = "WeChat demo /cgi-bin/token: 1600 of 2000 calls used today (80 %)";
    expect(runbookFor({ kind: "quota", message, vendor: "wechat", limitSource: "vendor" })).toMatchObject({ id: "quotaWechatCount", action: "clear-quota" });
    // A limit set for a WeChat app may be a cap of its own (raise it) or WeChat's real one (clear_quota resets it): both.
    expect(runbookFor({ kind: "quota", message, vendor: "wechat", limitSource: "app" })).toMatchObject({
      id: "quotaAppLimitWechat",
      action: "clear-quota",
      href: "/apps",
    });
    expect(
      runbookFor({ kind: "quota", message: "Feishu demo /open-apis/jssdk/ticket/get: 1 of 1 calls used today (100 %)", vendor: "feishu", limitSource: "app" })
        ?.id,
    ).toBe("quotaAppLimit");
    expect(runbookFor({ kind: "quota", message, vendor: "yzb", limitSource: "vendor" })).toBeNull();
    // Unknown (a notification built without the app at hand): none, as before.
    expect(runbookFor({ kind: "quota", message, vendor: null })).toBeNull();
  });

  it("an IP not on the whitelist and a used-up WeChat quota keep their own runbooks", () => {
    expect(runbookFor({ kind: "bad-config", message: "WeChat 40164: invalid ip 1.2.3.4", vendor: "wechat" })?.id).toBe("whitelistIp");
    const quota = runbookFor({ kind: "quota-exhausted", message: "WeChat 45009: reach max api daily quota limit", vendor: "wechat" });
    expect(quota?.id).toBe("quotaWechat");
    expect(quota?.action).toBe("clear-quota");
  });
});
