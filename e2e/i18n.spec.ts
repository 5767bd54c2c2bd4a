import { expect, test } from "@playwright/test";
import { account } from "./support/auth";
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

  test("an English browser reads English", async ({ browser }) => {
    const context = await browser.newContext({ locale: "en-GB" });
    const page = await context.newPage();
    await page.goto(`${stack.baseUrl}/signin`);
    await expect(page.locator("html")).toHaveAttribute("lang", "en");
    await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
    await context.close();
  });
});
