// Takes the README's screenshots (docs/*.png) in both languages from a fresh demo stack: the overview
// with one ticket at risk (so "Needs attention" shows what it is for) and the NONCE desk with a
// fresh ticket. Not part of the test suite: run it after a change to those pages and look at them.
// Usage: node --conditions=react-server --import tsx scripts/docs-screenshots.ts
import path from "node:path";
import { chromium } from "@playwright/test";
import playwrightConfig from "../playwright.config";
import { apiSession, signInContext } from "../e2e/support/auth";
import { putTicketAtRisk } from "../e2e/support/at-risk";
import { startStack } from "../e2e/support/stack";

const docs = path.join(import.meta.dirname, "..", "docs");
const stack = await startStack();
const browser = await chromium.launch(playwrightConfig.use?.launchOptions);
try {
  const operator = await apiSession(stack.baseUrl, "operator");
  const list = (await (await operator.fetch("/api/credentials")).json()).credentials as { id: string; vendor: string; kind: string }[];
  const jsapi = list.find((c) => c.vendor === "wechat" && c.kind === "jsapi_ticket");
  if (!jsapi || !(await putTicketAtRisk(stack, operator, jsapi.id))) console.warn("[docs] no ticket put at risk (the vendors' day ends within 5 minutes)");
  for (const [locale, suffix] of [
    ["en-US", "en"],
    ["zh-CN", "zh-CN"],
  ] as const) {
    const context = await browser.newContext({ locale, timezoneId: "Asia/Shanghai", viewport: { width: 1280, height: 860 }, colorScheme: "light" });
    const page = await context.newPage();
    await signInContext(page, stack.baseUrl, "operator");
    await page.goto(`${stack.baseUrl}/`);
    await page.getByRole("timer").first().waitFor();
    await page.waitForTimeout(1_200);
    await page.screenshot({ path: path.join(docs, `overview.${suffix}.png`) });

    await page.goto(`${stack.baseUrl}/nonce`);
    const userId = page.locator("form input").first();
    await page.getByRole("combobox").first().waitFor();
    await userId.fill("qa-user_1");
    await page.locator("form button[type=submit]").first().click();
    await page.getByRole("timer").first().waitFor();
    await page.waitForTimeout(1_200);
    await page.screenshot({ path: path.join(docs, `nonce.${suffix}.png`), fullPage: true });
    await context.close();
  }
  console.log(`[docs] wrote overview and nonce screenshots (en, zh-CN) to ${docs}`);
} finally {
  await browser.close();
  await stack.stop();
}
process.exit(0);
