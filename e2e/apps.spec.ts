import { expect, test } from "@playwright/test";
import { startStack, type Stack } from "./support/stack";
import { authedRequest, gotoSignedIn } from "./support/auth";

const SHOP = { appId: "wx1234567890abcdef", secret: "shop-secret-1" };

test.describe("Apps", () => {
  let stack: Stack;
  test.beforeAll(async () => {
    stack = await startStack();
    // The sandbox learns the new app's credentials, as WeChat would have issued them.
    await fetch(`${stack.sandboxUrl}/__sandbox/apps`, { method: "POST", body: JSON.stringify({ vendor: "wechat", ...SHOP }) });
  });
  test.afterAll(async () => {
    await stack?.stop();
  });

  test("add an app with per-field validation, see its tickets go live, edit it, disable and enable it", async ({ page }) => {
    const request = await authedRequest(stack.baseUrl);
    await gotoSignedIn(page, stack.baseUrl);
    // The nav link is where the server's HTML put it: the first click, even mid-hydration, lands.
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Apps" }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Apps");
    const table = page.getByRole("table", { name: "Registered vendor apps" });
    await expect(table.locator("tbody tr")).toHaveCount(4);

    await page.getByRole("button", { name: "Add app" }).click();
    const form = page.getByRole("form", { name: "Add an app" });
    await form.getByRole("button", { name: "Add app" }).click();
    await expect(form.getByLabel("Name")).toHaveAttribute("aria-invalid", "true");
    await expect(form).toContainText("is required for a new app");
    await form.getByLabel("Name").fill("Shop");
    await form.getByLabel("App id").fill("wx123");
    await form.getByLabel("Secret").fill(SHOP.secret);
    await form.getByLabel("Policy overrides (JSON, optional)").fill("{");
    await form.getByRole("button", { name: "Add app" }).click();
    await expect(form).toContainText('must be "wx" and 16 letters or digits, e.g. wx1234567890abcdef');
    await expect(form).toContainText("must be a JSON object");
    await form.getByLabel("App id").fill(SHOP.appId);
    await form.getByLabel("Policy overrides (JSON, optional)").fill('{"schedules": {"jsapi_ticket": {"everySeconds": 5}}}');
    await form.getByRole("button", { name: "Add app" }).click();
    await expect(form).toContainText("schedules.jsapi_ticket.everySeconds: must be whole seconds from 60 to 7000");
    await form.getByLabel("Policy overrides (JSON, optional)").fill('{"schedules": {"jsapi_ticket": {"everySeconds": 3600}}}');
    await page.screenshot({ path: "e2e/screenshots/apps-form-1280.png", fullPage: true });
    await form.getByRole("button", { name: "Add app" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Added Shop" })).toBeVisible();
    await expect(table.getByRole("row", { name: "Shop" })).toContainText("sandbox");

    // Its credentials are fetched by the scheduler and show up live, with the override as the policy.
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Overview" }).click();
    const shopTicket = page.getByRole("row", { name: "Shop jsapi ticket" });
    await expect(shopTicket.getByText("Healthy")).toBeVisible({ timeout: 15_000 });
    await expect(shopTicket).toContainText("refresh every 60 min (app override)");

    // The same app id again is refused on its field.
    await gotoSignedIn(page, `${stack.baseUrl}/apps`);
    const again = await request.post(`${stack.baseUrl}/api/apps`, {
      data: { vendor: "wechat", name: "Dup", appId: SHOP.appId, secret: "x", baseUrl: "sandbox" },
    });
    expect(again.status()).toBe(409);
    expect(await again.json()).toMatchObject({ field: "appId" });

    // Edit without touching the secret: it stays, and the tickets stay healthy.
    await table.getByRole("button", { name: "Edit Shop" }).click();
    const edit = page.getByRole("form", { name: "Edit Shop" });
    await expect(edit.getByLabel("Secret")).toHaveValue("");
    await edit.getByLabel("Name").fill("Shop EU");
    await edit.getByRole("button", { name: "Save changes" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Saved Shop EU." })).toBeVisible();
    const apps = await (await request.get(`${stack.baseUrl}/api/apps`)).json();
    expect(JSON.stringify(apps)).not.toContain(SHOP.secret);
    expect(JSON.stringify(apps)).not.toMatch(/secret/i);

    // Disable (confirmed): gone from the overview and the proxy; enable brings it back.
    await table.getByRole("button", { name: "Disable Shop EU" }).click();
    const dialog = page.getByRole("dialog", { name: "Disable Shop EU?" });
    await expect(dialog).toContainText("Nothing is deleted");
    await dialog.getByRole("button", { name: "Disable" }).click();
    await expect(table.getByRole("row", { name: "Shop EU" })).toContainText("disabled");
    const proxied = await request.get(`${stack.baseUrl}/api/proxy/wechat/cgi-bin/token?grant_type=client_credential&appid=${SHOP.appId}&secret=${SHOP.secret}`);
    // As WeChat answers an appid it does not know: HTTP 200, errcode 40013.
    expect(await proxied.json()).toMatchObject({ errcode: 40013 });
    const list = await (await request.get(`${stack.baseUrl}/api/credentials`)).json();
    expect(list.credentials.some((c: { appName: string }) => c.appName === "Shop EU")).toBe(false);
    await table.getByRole("button", { name: "Enable Shop EU" }).click();
    await expect(table.getByRole("row", { name: "Shop EU" })).toContainText("enabled");
    await page.screenshot({ path: "e2e/screenshots/apps-1280.png", fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: "e2e/screenshots/apps-390.png", fullPage: true });

    const audit = await (await request.get(`${stack.baseUrl}/api/audit?limit=20`)).json();
    const actions = audit.events.map((e: { action: string }) => e.action);
    expect(actions).toEqual(expect.arrayContaining(["app.create", "app.update", "app.disable", "app.enable"]));
    expect(JSON.stringify(audit)).not.toContain(SHOP.secret);
  });

  test("the API names the field and the rule for bad input, and stores nothing", async () => {
    const request = await authedRequest(stack.baseUrl);
    const count = async () => (await (await request.get(`${stack.baseUrl}/api/apps`)).json()).apps.length;
    const before = await count();
    const base = { vendor: "feishu", name: "X", appId: "cli_a1b2c3d4e5f6a7b8", secret: "s", baseUrl: "sandbox" };
    const cases: [object, string][] = [
      [{ ...base, vendor: "line" }, "vendor: must be one of wechat, feishu, faceid, yzb"],
      [{ ...base, baseUrl: "http://169.254.169.254/" }, 'baseUrl: must be "sandbox", "live", or an https:// origin such as https://api.example.com'],
      // No SSRF through the Apps form: https origins must be the vendor's own hosts (or allowed by the operator).
      [
        { ...base, baseUrl: "https://metadata.internal.example" },
        "baseUrl: https://metadata.internal.example is not a Feishu API host (allowed: https://open.feishu.cn, https://open.larksuite.com); an operator can allow it with TICKETHUB_ALLOWED_BASE_URLS",
      ],
      [{ ...base, tokenVariant: "stable_token" }, "tokenVariant: stable_token exists only for WeChat"],
      [{ ...base, name: "" }, "name: is required"],
      [{ ...base, secret: undefined }, "secret: is required for a new app"],
      [{ ...base, extra: true }, "extra: unknown field (allowed: vendor, name, appId, secret, baseUrl, tokenVariant, tokenPath, policy)"],
    ];
    for (const [data, detail] of cases) {
      const res = await request.post(`${stack.baseUrl}/api/apps`, { data });
      expect(res.status(), detail).toBe(400);
      expect((await res.json()).detail).toBe(detail);
    }
    expect(await count()).toBe(before);
  });
});
