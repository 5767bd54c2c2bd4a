import "server-only";
import os from "node:os";

/** What to do about an alert: shown on the credential page and added to chat messages. */
export type Runbook = {
  title: string;
  text: string;
  /** Where to act: a page of this dashboard ("/apps") or the vendor's console. */
  href: string | null;
  linkText: string | null;
  /** An action the dashboard offers (admin): WeChat's clear_quota. */
  action: "clear-quota" | null;
  /** 40164: this host's interface addresses (the vendor sees the egress NAT's, which may differ). */
  addresses: string[] | null;
};

/** The vendor code in a stored error message ("WeChat 40164: invalid ip …"). */
function codeOf(message: string): string | null {
  return /\b(?:WeChat|Feishu|FaceID|yzb)\s+(-?\d+)\b/i.exec(message)?.[1] ?? null;
}

/** This host's non-loopback interface addresses: what to whitelist when no NAT sits in between. */
export function hostAddresses(): string[] {
  return Object.values(os.networkInterfaces())
    .flat()
    .filter((a): a is os.NetworkInterfaceInfo => !!a && !a.internal)
    .map((a) => a.address);
}

const WRONG_APP = new Set(["40013", "40001", "40125", "41002", "41004", "40002"]);

export function runbookFor(a: { kind: string; message: string; vendor: string | null }): Runbook | null {
  const code = codeOf(a.message);
  if (code === "40164") {
    return {
      title: "Whitelist this server's outbound IP",
      text: "WeChat refuses calls from an IP address that is not on the account's IP whitelist (Official Accounts Platform → Settings and Development → Basic Configuration → IP whitelist). Add the address your egress NAT uses; without NAT it is one of this host's addresses listed here. Then refresh by hand: refreshing stopped at the first refusal.",
      href: "https://mp.weixin.qq.com/",
      linkText: "WeChat Official Accounts Platform",
      action: null,
      addresses: hostAddresses(),
    };
  }
  if (a.kind === "quota-exhausted" || code === "45009") {
    const wechat = a.vendor === "wechat" || a.message.includes("WeChat");
    return {
      title: "Daily quota used up",
      text: wechat
        ? "Scheduled refreshes wait for the vendor's daily reset at 00:00 UTC+8. If clients break before then, an admin can reset the app's counters with WeChat's clear_quota (at most 10 resets a month per account), then the paused credentials refresh at once."
        : "Scheduled refreshes wait for the vendor's daily reset at 00:00 UTC+8; raise the app's quota with the vendor if clients break before then.",
      href: null,
      linkText: null,
      action: wechat ? "clear-quota" : null,
      addresses: null,
    };
  }
  if (a.kind === "bad-config" || (code && WRONG_APP.has(code))) {
    return {
      title: code === "40013" ? "Wrong app id" : "Wrong app id or secret",
      text: "The vendor refuses the app's id or secret. Change it on the Apps page (Edit → app id or secret); refreshing stopped and resumes with a manual Refresh once it is fixed.",
      href: "/apps",
      linkText: "Apps page",
      action: null,
      addresses: null,
    };
  }
  if (a.kind === "invalid-credential") {
    return {
      title: "Credential refused again after renewal",
      text: "The vendor still refuses the token after Ticket Hub renewed it. Check the app's secret and that the app id belongs to the right account on the Apps page.",
      href: "/apps",
      linkText: "Apps page",
      action: null,
      addresses: null,
    };
  }
  if (a.kind === "at-risk") {
    return {
      title: "Clients break before a refresh can succeed",
      text: "The value expires before the next refresh can succeed. Fix what blocks the refresh (see the credential's last error), then Refresh by hand.",
      href: null,
      linkText: null,
      action: null,
      addresses: null,
    };
  }
  return null;
}
