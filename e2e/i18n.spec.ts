import { type Browser, expect, type Page, test } from "@playwright/test";
import { account, signInContext } from "./support/auth";
import { seriousViolations } from "./support/axe";
import { englishLeft } from "./support/english-left";
import { startStack, type Stack } from "./support/stack";

// Chinese and English: chosen from the browser's Accept-Language, switchable, remembered.

test.describe("languages", () => {
  let stack: Stack;
  test.beforeAll(async () => {
    stack = await startStack();
  });
  test.afterAll(async () => {
    await stack?.stop();
  });

  test("a Chinese browser reads the sign-in page and the dashboard's frame in Chinese; English is one click away and remembered", async ({ browser }) => {
    const context = await browser.newContext({ locale: "zh-CN" });
    const page = await context.newPage();
    await page.goto(`${stack.baseUrl}/signin`);
    await expect(page.locator("html")).toHaveAttribute("lang", "zh-CN");
    await expect(page.getByRole("heading", { name: "登录" })).toBeVisible();
    await expect(page.getByLabel("用户名")).toBeVisible();
    // The demo accounts' user names are data.
    expect(await englishLeft(page, ["admin", "operator", "viewer"])).toEqual([]);
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: 900 });
      for (const scheme of ["light", "dark"] as const) {
        await page.emulateMedia({ colorScheme: scheme });
        expect(await seriousViolations(page, `${width} ${scheme}`)).toEqual([]);
      }
    }
    await page.emulateMedia({ colorScheme: "light" });
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.screenshot({ path: "e2e/screenshots/signin-zh-CN-1280.png", fullPage: true });

    await page.getByRole("button", { name: `以 ${account("operator").username} 登录` }).click();
    const nav = page.getByRole("navigation", { name: "主导航" });
    await expect(nav.getByRole("link", { name: "概览" })).toBeVisible();
    await expect(nav.getByRole("link", { name: "NONCE 工作台" })).toBeVisible();
    await expect(page.getByRole("button", { name: "退出登录" })).toBeVisible();
    await expect(page.getByRole("banner")).toContainText("operator · 操作员");
    // The page is hydrated (the header's "updated" line is drawn in the browser only): a click before
    // that reaches a server-rendered button without its handler and is lost (ci36 on a busy machine).
    await expect(page.getByTestId("updated-ago")).toBeVisible({ timeout: 30_000 });

    // The switch: English now, and still English after a reload and on the next page.
    await page.getByRole("group", { name: "语言" }).getByRole("button", { name: "English" }).click();
    await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Overview" })).toBeVisible();
    await expect(page.locator("html")).toHaveAttribute("lang", "en");
    await page.goto(`${stack.baseUrl}/audit`);
    await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
    await page.getByRole("group", { name: "Language" }).getByRole("button", { name: "中文" }).click();
    await expect(page.getByRole("button", { name: "退出登录" })).toBeVisible();
    await context.close();
  });

  test("the header's links stay where the server's HTML put them once the page is live, in both languages, wide and narrow", async ({ browser }) => {
    // Where each nav link and the page's content are: [text, x, y] rounded to the pixel.
    const layout = (page: Page) =>
      page.evaluate(() => [
        ...[...document.querySelectorAll("header nav a")].map((a) => {
          const r = a.getBoundingClientRect();
          return [a.textContent, Math.round(r.x), Math.round(r.y)];
        }),
        ["main", 0, Math.round(document.querySelector("main")!.getBoundingClientRect().y)],
      ]);
    const open = async (b: Browser, locale: string, width: number, javaScriptEnabled: boolean) => {
      const context = await b.newContext({ locale, javaScriptEnabled, viewport: { width, height: 900 } });
      const page = await context.newPage();
      // The admin sees every link: the widest nav.
      await signInContext(page, stack.baseUrl, "admin");
      await page.goto(stack.baseUrl);
      return page;
    };
    for (const locale of ["en-GB", "zh-CN"]) {
      for (const width of [1280, 390]) {
        // The server's HTML alone: where a pointer finds each link before the page's scripts run.
        const still = await open(browser, locale, width, false);
        const before = await layout(still);
        await still.context().close();
        // The live page, hydrated and having heard from the server (its "updated" line drawn).
        const live = await open(browser, locale, width, true);
        await expect(live.getByTestId("updated-ago")).toBeVisible({ timeout: 30_000 });
        expect(await layout(live), `${locale} at ${width}px`).toEqual(before);
        // The nav says where the user is.
        await expect(live.locator("header nav a[aria-current=page]")).toHaveAttribute("href", "/");
        await live.screenshot({ path: `e2e/screenshots/header-${locale}-${width}.png` });
        await live.context().close();
      }
    }
  });

  test("the tab shows Ticket Hub's icon, signed in or not (the browser's /favicon.ico is found)", async ({ request }) => {
    const icon = await request.get(`${stack.baseUrl}/favicon.ico`);
    expect(icon.status()).toBe(200);
    expect(icon.headers()["content-type"]).toMatch(/^image\//);
  });

  test("an English browser reads English", async ({ browser }) => {
    const context = await browser.newContext({ locale: "en-GB" });
    const page = await context.newPage();
    await page.goto(`${stack.baseUrl}/signin`);
    await expect(page.locator("html")).toHaveAttribute("lang", "en");
    await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
    await context.close();
  });
});
