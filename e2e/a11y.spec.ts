import { expect, test } from "@playwright/test";
import { seriousViolations } from "./support/axe";
import { startStack, type Stack } from "./support/stack";
import { api, apiSession, gotoSignedIn } from "./support/auth";

// Every page, wide and narrow, light and dark: no serious or critical accessibility violation.

test.describe("accessibility and the audit log", () => {
  let stack: Stack;
  let credentialId: string;
  test.beforeAll(async () => {
    stack = await startStack();
    const list = await (await api(stack.baseUrl, `/api/credentials`)).json();
    credentialId = list.credentials.find((c: { vendor: string; kind: string }) => c.vendor === "wechat" && c.kind === "jsapi_ticket").id;
  });
  test.afterAll(async () => {
    await stack?.stop();
  });

  test("the audit log lists manual actions as they happen", async ({ page }) => {
    await gotoSignedIn(page, `${stack.baseUrl}/audit`, "operator");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Audit log");
    const table = page.getByRole("table", { name: "Manual actions, newest first" });
    // Signing in is the first thing on record.
    await expect(table.getByRole("row").nth(1)).toContainText("Sign-in");
    await expect(table.getByRole("row").nth(1)).toContainText("operator");
    const admin = await apiSession(stack.baseUrl, "admin");
    expect((await admin.fetch(`/api/credentials/${credentialId}/refresh`, { method: "POST" })).status).toBe(200);
    expect((await admin.fetch(`/api/credentials/${credentialId}/reveal`, { method: "POST", body: JSON.stringify({ action: "reveal" }) })).status).toBe(200);
    await expect(table.getByRole("row").nth(1)).toContainText("Reveal", { timeout: 10_000 });
    await expect(table.getByRole("row").nth(1)).toContainText("admin");
    await expect(table.getByRole("row").nth(2)).toContainText("Refresh");
    await expect(table.getByRole("row").nth(2)).toContainText("refreshed");
    await page.getByLabel("Action").selectOption({ label: "Refresh" });
    await expect(table.getByRole("row")).toHaveCount(2);
    await page.screenshot({ path: "e2e/screenshots/audit-1280.png", fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: "e2e/screenshots/audit-390.png", fullPage: true });
  });

  for (const scheme of ["light", "dark"] as const) {
    test(`no serious or critical violations on any page (${scheme})`, async ({ page, browser }) => {
      await page.emulateMedia({ colorScheme: scheme });
      const pages: [string, string, () => Promise<void>][] = [
        ["/", "overview", async () => void (await expect(page.getByRole("timer").first()).toBeVisible())],
        [`/credentials/${credentialId}`, "detail", async () => void (await expect(page.getByRole("table", { name: /Every version/ })).toBeVisible())],
        ["/nonce", "NONCE desk", async () => void (await expect(page.getByLabel("FaceID app")).toBeVisible())],
        ["/signatures", "signatures", async () => void (await expect(page.getByLabel("App ticket")).toBeVisible())],
        ["/yzb", "yzb tools", async () => void (await expect(page.getByLabel("yzb app")).toBeVisible())],
        ["/apps", "apps", async () => void (await expect(page.getByRole("table", { name: "Registered vendor apps" })).toBeVisible())],
        ["/audit", "audit", async () => void (await expect(page.getByRole("heading", { level: 1 })).toBeVisible())],
        ["/admin", "users and keys", async () => void (await expect(page.getByRole("table", { name: "Users" })).toBeVisible())],
      ];
      const found: string[] = [];
      for (const width of [1280, 390]) {
        await page.setViewportSize({ width, height: 900 });
        for (const [path, name, ready] of pages) {
          await gotoSignedIn(page, `${stack.baseUrl}${path}`);
          await ready();
          found.push(...(await seriousViolations(page, `${name} at ${width} px, ${scheme}`)));
          if (scheme === "dark" && width === 1280) await page.screenshot({ path: `e2e/screenshots/dark-${name.replace(/\s+/g, "-")}.png`, fullPage: true });
        }
        // The sign-in page, as someone without a session meets it.
        const anon = await browser.newContext({ colorScheme: scheme, viewport: { width, height: 900 } });
        const signin = await anon.newPage();
        await signin.goto(`${stack.baseUrl}/signin`);
        await expect(signin.getByRole("heading", { name: "Sign in" })).toBeVisible();
        found.push(...(await seriousViolations(signin, `sign-in at ${width} px, ${scheme}`)));
        if (width === 390) await signin.screenshot({ path: `e2e/screenshots/${scheme === "dark" ? "dark-" : ""}signin-390.png`, fullPage: true });
        await anon.close();
      }
      expect(found).toEqual([]);
    });
  }
});
