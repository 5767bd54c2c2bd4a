import { type Browser, expect, type Page, test } from "@playwright/test";
import { api, gotoSignedIn, signInContext } from "./support/auth";
import { seriousViolations } from "./support/axe";
import { englishLeft } from "./support/english-left";
import { startStack, type Stack } from "./support/stack";

// The admin pages (apps, users & keys, audit log) in Chinese and English, wide and on a phone,
// light and dark; times in the browser's zone with UTC+8 one click away.

const KEY_NAME = "i18n-probe";
// Data that happens to be English: the demo apps' and users' names, the key this spec creates.
const DATA = ["demo", "admin", "operator", "viewer", "i18n", "probe"];

type Lang = "zh-CN" | "en";
const PAGES: Record<Lang, [path: string, ready: (page: Page) => Promise<void>][]> = {
  "zh-CN": [
    ["/apps", async (p) => void (await expect(p.getByRole("table", { name: "已注册的厂商应用" }).getByRole("row", { name: "WeChat demo" })).toBeVisible())],
    ["/admin", async (p) => void (await expect(p.getByRole("table", { name: "API 密钥" }).getByRole("row", { name: KEY_NAME })).toBeVisible())],
    ["/audit", async (p) => void (await expect(p.getByRole("table", { name: "人工操作，最新的在前" }).locator("time").first()).toBeVisible())],
  ],
  en: [
    [
      "/apps",
      async (p) => void (await expect(p.getByRole("table", { name: "Registered vendor apps" }).getByRole("row", { name: "WeChat demo" })).toBeVisible()),
    ],
    ["/admin", async (p) => void (await expect(p.getByRole("table", { name: "API keys" }).getByRole("row", { name: KEY_NAME })).toBeVisible())],
    ["/audit", async (p) => void (await expect(p.getByRole("table", { name: "Manual actions, newest first" }).locator("time").first()).toBeVisible())],
  ],
};

test.describe("admin pages in both languages", () => {
  let stack: Stack;
  test.beforeAll(async () => {
    stack = await startStack();
    const apps = await (await api(stack.baseUrl, "/api/apps")).json();
    const res = await api(stack.baseUrl, "/api/keys", { method: "POST", body: JSON.stringify({ name: KEY_NAME, appRefs: [apps.apps[0].id] }) });
    expect(res.status).toBe(201);
  });
  test.afterAll(async () => {
    await stack?.stop();
  });

  async function tour(browser: Browser, lang: Lang) {
    const context = await browser.newContext({ locale: lang, timezoneId: "America/New_York" });
    const page = await context.newPage();
    const found: string[] = [];
    for (const [path, ready] of PAGES[lang]) {
      await gotoSignedIn(page, `${stack.baseUrl}${path}`);
      for (const width of [1280, 390]) {
        await page.setViewportSize({ width, height: 900 });
        await ready(page);
        if (lang === "zh-CN") expect({ path, width, left: await englishLeft(page, DATA) }).toEqual({ path, width, left: [] });
        // No sideways scroll on a phone: each row is a card, its buttons on screen.
        if (width === 390) {
          const wide = await page.evaluate(() => ({
            page: document.scrollingElement?.scrollWidth,
            // A table's own scroll region counts too: a table wider than the phone hides its last columns.
            tables: [...document.querySelectorAll("[role=region]")].filter((r) => r.querySelector("table")).map((r) => r.scrollWidth - r.clientWidth),
          }));
          expect({ path, ...wide }).toEqual({ path, page: 390, tables: wide.tables.map(() => 0) });
          expect(wide.tables.length).toBeGreaterThan(0);
        }
        for (const scheme of ["light", "dark"] as const) {
          await page.emulateMedia({ colorScheme: scheme });
          found.push(...(await seriousViolations(page, `${lang} ${path} ${width} ${scheme}`)));
        }
        await page.emulateMedia({ colorScheme: "light" });
        await page.screenshot({ path: `e2e/screenshots/i18n${path.replace("/", "-")}-${lang}-${width}.png`, fullPage: true });
      }
    }
    expect(found).toEqual([]);
    return { context, page };
  }

  test("a Chinese browser reads apps, users & keys and the audit log in Chinese, wide and narrow, light and dark", async ({ browser }) => {
    const { context, page } = await tour(browser, "zh-CN");
    // On a phone the Apps row's buttons are on screen.
    await gotoSignedIn(page, `${stack.baseUrl}/apps`);
    await page.setViewportSize({ width: 390, height: 900 });
    for (const name of ["编辑 WeChat demo", "停用 WeChat demo"]) {
      const box = await page.getByRole("button", { name }).boundingBox();
      expect(box && box.x >= 0 && box.x + box.width <= 390).toBe(true);
    }
    // The audit filter labels every action; none is a raw key.
    await page.goto(`${stack.baseUrl}/audit`);
    await PAGES["zh-CN"][2]![1](page);
    const options = await page.getByLabel("操作").locator("option").allTextContents();
    expect(options.length).toBeGreaterThan(1);
    expect(options.filter((o) => /^[a-z]+[._-]/.test(o))).toEqual([]);
    await expect(page.getByRole("table", { name: "人工操作，最新的在前" })).toContainText("登录");
    await context.close();
  });

  test("an English browser reads the same pages in English, with no sideways scroll on a phone", async ({ browser }) => {
    const { context } = await tour(browser, "en");
    await context.close();
  });

  test("times show in the browser's zone with its offset; UTC+8 is one click away and remembered", async ({ browser }) => {
    const context = await browser.newContext({ locale: "zh-CN", timezoneId: "America/New_York" });
    const page = await context.newPage();
    await gotoSignedIn(page, `${stack.baseUrl}/audit`);
    const time = page.getByRole("table", { name: "人工操作，最新的在前" }).locator("time").last();
    await expect(time).toHaveText(/^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2} UTC-5$/);
    const at = await time.getAttribute("datetime");
    const shown = (text: string) => {
      const [, y, mo, d, h, mi, s] = /^(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2})/.exec(text) ?? [];
      return Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
    };
    const local = shown((await time.textContent()) ?? "");
    // The wall clock shown is the moment moved by the zone's offset: -5 h in New York, +8 h in UTC+8.
    const atSecond = Math.floor(Date.parse(at ?? "") / 1000) * 1000;
    expect(local - atSecond).toBe(-5 * 3600_000);
    const zones = page.getByRole("group", { name: "时区" });
    await zones.getByRole("button", { name: "UTC+8" }).click();
    await expect(time).toHaveText(/ UTC\+8$/);
    expect(shown((await time.textContent()) ?? "") - local).toBe(13 * 3600_000);
    await page.reload();
    await expect(page.getByRole("group", { name: "时区" }).getByRole("button", { name: "UTC+8" })).toHaveAttribute("aria-pressed", "true");
    await expect(page.getByRole("table", { name: "人工操作，最新的在前" }).locator("time").last()).toHaveText(/ UTC\+8$/);
    await page.getByRole("group", { name: "时区" }).getByRole("button", { name: "本地" }).click();
    await expect(page.getByRole("table", { name: "人工操作，最新的在前" }).locator("time").last()).toHaveText(/ UTC-5$/);
    await context.close();
  });

  test("each admin page's lists are in its first HTML, in Chinese and in English (no script runs)", async ({ browser }) => {
    for (const lang of ["zh-CN", "en"] as const) {
      const context = await browser.newContext({ locale: lang, javaScriptEnabled: false });
      const page = await context.newPage();
      await signInContext(page, stack.baseUrl, "admin");
      for (const [path, ready] of PAGES[lang]) {
        await page.goto(`${stack.baseUrl}${path}`);
        await ready(page).catch((err: Error) => {
          throw new Error(`${lang} ${path}: not in the first HTML: ${err.message}`);
        });
      }
      await context.close();
    }
  });

  test("users and keys are in the page's first HTML, and the key section stays where that HTML put it once the page is live", async ({ browser }) => {
    const open = async (javaScriptEnabled: boolean) => {
      const context = await browser.newContext({ locale: "en-GB", javaScriptEnabled, viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      await signInContext(page, stack.baseUrl, "admin");
      await page.goto(`${stack.baseUrl}/admin`);
      return page;
    };
    const top = async (page: Page) => Math.round((await page.getByRole("heading", { name: "API keys", level: 2 }).boundingBox())!.y);
    // The server's HTML alone: the lists are there, not "Loading…".
    const still = await open(false);
    await expect(still.getByRole("table", { name: "Users" }).getByRole("row", { name: /operator/ })).toBeVisible();
    await expect(still.getByRole("table", { name: "API keys" }).getByRole("row", { name: KEY_NAME })).toBeVisible();
    await expect(still.getByRole("checkbox", { name: /WeChat demo/ })).toBeVisible();
    const before = await top(still);
    await still.context().close();
    // Live, hydrated and having heard from the server: nothing above the key section moved it.
    const live = await open(true);
    await expect(live.getByTestId("updated-ago")).toBeVisible({ timeout: 30_000 });
    await expect(live.getByRole("table", { name: "API keys" }).getByRole("row", { name: KEY_NAME })).toBeVisible();
    expect(await top(live)).toBe(before);
    await live.context().close();
  });

  test("the key list shows a key created elsewhere and its first use without a reload (the change stream's keys topic)", async ({ page }) => {
    await gotoSignedIn(page, `${stack.baseUrl}/admin`);
    const table = page.getByRole("table", { name: "API keys" });
    await expect(table.getByRole("row", { name: KEY_NAME })).toBeVisible();
    const apps = (await (await api(stack.baseUrl, "/api/apps")).json()).apps as { id: string; vendor: string; appId: string }[];
    const wechat = apps.find((a) => a.vendor === "wechat")!;
    // Another admin creates a key: it shows here, never used.
    const created = await api(stack.baseUrl, "/api/keys", { method: "POST", body: JSON.stringify({ name: "first-use-probe", appRefs: [wechat.id] }) });
    expect(created.status).toBe(201);
    const { key } = (await created.json()) as { key: string };
    const row = table.getByRole("row", { name: /first-use-probe/ });
    await expect(row).toContainText("never", { timeout: 10_000 });
    // A service reads with it: its last use shows (nothing else changed meanwhile).
    const read = await fetch(`${stack.baseUrl}/api/v1/apps/wechat/${wechat.appId}/jsapi_ticket`, { headers: { authorization: `Bearer ${key}` } });
    expect(read.status).toBe(200);
    await expect(row.locator("time")).toBeVisible({ timeout: 10_000 });
    await expect(row).not.toContainText("never");
  });
});
