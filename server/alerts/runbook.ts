import "server-only";
import { isIP } from "node:net";
import os from "node:os";
import en from "@/i18n/messages/en.json";

export type RunbookId = keyof typeof en.runbooks;

/** What to do about an alert: shown on the credential page and added to chat messages. */
export type Runbook = {
  id: RunbookId;
  title: string;
  text: string;
  /** Where to act: a page of this dashboard ("/apps") or the vendor's console. */
  href: string | null;
  linkText: string | null;
  /** An action the dashboard offers (admin): WeChat's clear_quota. */
  action: "clear-quota" | null;
  /** 40164: this host's interface addresses (the vendor sees the egress NAT's, which may differ). */
  addresses: string[] | null;
  /**
   * 40164: the address WeChat says the refused call came from ("invalid ip 203.0.113.9, …"): the one
   * to whitelist, whichever instance made the call or draws the page. Null when the message names none.
   */
  seenAddress: string | null;
};

/** The caller's address WeChat names in a 40164 message ("invalid ip 203.0.113.9 ipv6 ::ffff:…, not in whitelist"). */
function seenAddressOf(message: string): string | null {
  const m = /\binvalid ip ([0-9A-Fa-f.:]{2,45})/.exec(message);
  // The sentence may end right after it ("… invalid ip 1.2.3.4.", or the alert's "(…)" around the error).
  const address = m?.[1]?.replace(/\.$/, "");
  return address && isIP(address) ? address : null;
}

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

/**
 * Codes that say the app's id or secret is wrong wherever they come from. Not 40001: at WeChat's
 * token endpoint it is a wrong AppSecret, at the ticket endpoint a token the vendor no longer takes
 * (wechat.ts classifyWechat tells them apart, and the alert's kind says which it was).
 */
const WRONG_APP = new Set(["40013", "40125", "41002", "41004", "40002"]);

/** A runbook's words come from i18n/messages (namespace `runbooks`): the API carries the English, the page shows its language by `id`. */
function runbook(id: RunbookId, at: Pick<Runbook, "href" | "action" | "addresses"> & Partial<Pick<Runbook, "seenAddress">>): Runbook {
  const words: { title: string; text: string; link?: string } = en.runbooks[id];
  return { id, title: words.title, text: words.text, linkText: words.link ?? null, seenAddress: null, ...at };
}

/**
 * The runbook of an alert. `limitSource` (a quota alert's): whose daily limit the app's count runs up
 * against, the app's own (policy) or the vendor's published one (server/quota/quota.ts limitFor).
 */
export function runbookFor(a: { kind: string; message: string; vendor: string | null; limitSource?: "app" | "vendor" | null }): Runbook | null {
  // Ticket Hub's own count of today's calls near or at a limit (no vendor error, so no code).
  if (a.kind === "quota") {
    const wechat = a.vendor === "wechat";
    // WeChat's clear_quota resets WeChat's counters and Ticket Hub's count of the app (every endpoint,
    // quota.ts quotaLedger): the way out at WeChat's published limit, and at a limit set for the app
    // that mirrors WeChat's real one. A limit set as a cap of the app's own is raised on the Apps page
    // instead, which resumes what it paused (manage-apps.ts).
    if (a.limitSource === "app")
      return runbook(wechat ? "quotaAppLimitWechat" : "quotaAppLimit", { href: "/apps", action: wechat ? "clear-quota" : null, addresses: null });
    if (a.limitSource === "vendor" && wechat) return runbook("quotaWechatCount", { href: null, action: "clear-quota", addresses: null });
    return null;
  }
  const code = codeOf(a.message);
  if (code === "40164") {
    return runbook("whitelistIp", { href: "https://mp.weixin.qq.com/", action: null, addresses: hostAddresses(), seenAddress: seenAddressOf(a.message) });
  }
  if (a.kind === "quota-exhausted" || code === "45009") {
    const wechat = a.vendor === "wechat" || a.message.includes("WeChat");
    return runbook(wechat ? "quotaWechat" : "quota", { href: null, action: wechat ? "clear-quota" : null, addresses: null });
  }
  // Before the codes: a ticket refused with 40001 again after its token was renewed is this, not a wrong secret.
  if (a.kind === "invalid-credential") return runbook("refusedAfterRenewal", { href: "/apps", action: null, addresses: null });
  if (a.kind === "bad-config" || (code && WRONG_APP.has(code))) {
    return runbook(code === "40013" ? "wrongAppId" : "wrongApp", { href: "/apps", action: null, addresses: null });
  }
  if (a.kind === "at-risk") return runbook("atRisk", { href: null, action: null, addresses: null });
  return null;
}
