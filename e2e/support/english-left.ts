import type { Page } from "@playwright/test";

// Words that stay as they are in the Chinese UI: product and vendor names, protocol and API terms,
// codes. Data that happens to be English (user names, app names) is passed by the test.
const KEEP = new Set(
  [
    "Ticket",
    "Hub",
    "TH",
    "WeChat",
    "Feishu",
    "FaceID",
    "Tencent",
    "yzb",
    "NONCE",
    "SIGN",
    "API",
    "JS",
    "SDK",
    "JSAPI",
    "OAuth2",
    "checkCode",
    "jsapi",
    "wx_card",
    "js_ticket",
    "ticket",
    "token",
    "access_token",
    "tenant_access_token",
    "English",
    "TICKETHUB_DEMO",
    "UTC",
    "Asia",
    "Shanghai",
    "clear_quota",
    "webhook",
    "HTTP",
  ].map((w) => w.toLowerCase()),
);

/**
 * The English words a page still shows in a Chinese UI: visible text outside <code>, <kbd>, values
 * and anything marked translate="no" (a vendor's own words, codes) or in a third language, minus the
 * words every language keeps. English marked lang="en" still counts: it is English left on the page.
 */
export async function englishLeft(page: Page, data: string[] = []): Promise<string[]> {
  const text = await page.evaluate(() => {
    const skip = (el: Element | null): boolean => {
      for (let e = el; e; e = e.parentElement) {
        if (["CODE", "KBD", "SCRIPT", "STYLE", "INPUT", "TEXTAREA", "OPTION"].includes(e.tagName)) return true;
        if (e.getAttribute("translate") === "no") return true;
        const lang = e.getAttribute("lang");
        if (lang && !lang.startsWith("zh") && !lang.startsWith("en") && e !== document.documentElement) return true;
        const style = getComputedStyle(e);
        if (style.display === "none" || style.visibility === "hidden") return true;
      }
      return false;
    };
    const out: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) if (!skip(n.parentElement)) out.push(n.textContent ?? "");
    // Accessible names count too: a screen reader reads them.
    for (const el of document.querySelectorAll("[aria-label],[title],[placeholder]"))
      if (!skip(el)) for (const a of ["aria-label", "title", "placeholder"]) out.push(el.getAttribute(a) ?? "");
    return out.join("\n");
  });
  const words = text.match(/[A-Za-z][A-Za-z_]{2,}/g) ?? [];
  const keep = new Set([...KEEP, ...data.map((w) => w.toLowerCase())]);
  return [...new Set(words.filter((w) => !keep.has(w.toLowerCase())))];
}
