import { expect, test } from "@playwright/test";
import { startStack, type Stack } from "./support/stack";
import { api, authedRequest, gotoSignedIn } from "./support/auth";

test.describe("Check and the yzb tools", () => {
  let stack: Stack;
  let list: { credentials: { id: string; vendor: string; kind: string; appRef: string }[] };
  test.beforeAll(async () => {
    stack = await startStack();
    list = await (await api(stack.baseUrl, `/api/credentials`)).json();
  });
  test.afterAll(async () => {
    await stack?.stop();
  });
  const find = (vendor: string, kind: string) => list.credentials.find((c) => c.vendor === vendor && c.kind === kind)!;

  test("Check on a yzb js_ticket asks the vendor; on WeChat it explains there is no vendor check", async ({ page }) => {
    await gotoSignedIn(page, `${stack.baseUrl}/credentials/${find("yzb", "js_ticket").id}`);
    await page.getByRole("button", { name: "Check yzb demo js_ticket" }).click();
    const result = page.getByRole("status", { name: "check result" });
    await expect(result).toContainText(/Locally: valid, 1h 5\dm/);
    // The vendor's time through the shared formatter (with its zone), not raw ISO.
    await expect(result).toContainText(/yzb checkCode: valid until [A-Z][a-z]{2} \d{1,2}, 20\d\d, .* UTC/);

    await gotoSignedIn(page, `${stack.baseUrl}/credentials/${find("wechat", "jsapi_ticket").id}`);
    await page.getByRole("button", { name: "Check WeChat demo jsapi ticket" }).click();
    await expect(page.getByRole("status", { name: "check result" })).toContainText("WeChat offers no free validity check");
    const audit = await (await api(stack.baseUrl, `/api/audit?limit=10`)).json();
    expect(audit.events.filter((e: { action: string }) => e.action === "credential.check")).toHaveLength(2);
  });

  test("exchange an auth code for an open_id (once), and check pasted values", async ({ page }) => {
    const request = await authedRequest(stack.baseUrl);
    const minted = await (
      await fetch(`${stack.sandboxUrl}/__sandbox/yzb/auth-code`, { method: "POST", body: JSON.stringify({ appId: "yzbdemo1", openId: "open-id-7" }) })
    ).json();
    await gotoSignedIn(page, stack.baseUrl);
    // The nav link is where the server's HTML put it: the first click, even mid-hydration, lands.
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "yzb tools" }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("yzb tools");
    const exchange = page.getByRole("form", { name: "Exchange an auth code" });
    await exchange.getByLabel("Auth code").fill(minted.code);
    await exchange.getByRole("button", { name: "Get open_id" }).click();
    await expect(page.getByRole("status", { name: "exchange result" })).toHaveText("open_id open-id-7");
    await exchange.getByRole("button", { name: "Get open_id" }).click();
    await expect(page.getByRole("status", { name: "exchange result" })).toContainText("yzb refused the code");

    const p = `${stack.baseUrl}/api/proxy/yzb/OAuth2`;
    const token = (await (await request.post(`${p}/accessToken`, { data: { app_id: "yzbdemo1", secret: "demo-yzb-secret" } })).json()).data.access_token;
    const ticket = (await (await request.post(`${p}/ticket`, { data: { app_id: "yzbdemo1", access_token: token, type: "js_ticket" } })).json()).data.ticket;
    const check = page.getByRole("form", { name: "Check a value" });
    await check.getByLabel("Value").fill(ticket);
    await check.getByRole("button", { name: "Check" }).click();
    await expect(page.getByRole("status", { name: "check result" })).toContainText("Valid until");
    await check.getByLabel("Value").fill("not-a-ticket");
    await check.getByRole("button", { name: "Check" }).click();
    await expect(page.getByRole("status", { name: "check result" })).toContainText("Not valid");
    await page.screenshot({ path: "e2e/screenshots/yzb-1280.png", fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: "e2e/screenshots/yzb-390.png", fullPage: true });
  });

  test("bad input names the field", async () => {
    const request = await authedRequest(stack.baseUrl);
    const appRef = find("yzb", "js_ticket").appRef;
    const bad = await request.post(`${stack.baseUrl}/api/yzb/check`, { data: { appRef, type: "ticket", code: "x" } });
    expect(bad.status()).toBe(400);
    expect((await bad.json()).detail).toBe('type: must be "access_token" or "js_ticket"');
    const empty = await request.post(`${stack.baseUrl}/api/yzb/open-id`, { data: { appRef, code: "  " } });
    expect((await empty.json()).detail).toBe("code: is required");
    const wrongApp = await request.post(`${stack.baseUrl}/api/yzb/open-id`, { data: { appRef: find("wechat", "jsapi_ticket").appRef, code: "abc" } });
    expect(wrongApp.status()).toBe(404);
    expect((await request.post(`${stack.baseUrl}/api/credentials/nosuch1/check`)).status()).toBe(404);
  });
});
