import { createHash } from "node:crypto";
import { expect, test } from "@playwright/test";
import { startStack, type Stack } from "./support/stack";
import { authedRequest, gotoSignedIn } from "./support/auth";

const sha1 = (s: string) => createHash("sha1").update(s).digest("hex");

test.describe("signature tools", () => {
  let stack: Stack;
  test.beforeAll(async () => {
    stack = await startStack();
  });
  test.afterAll(async () => {
    await stack?.stop();
  });

  test("WeChat's official example gives its documented signature", async ({ page }) => {
    await gotoSignedIn(page, stack.baseUrl);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Signatures" }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Signatures");
    const form = page.getByRole("form", { name: "JS-SDK signature" });
    await page.getByRole("button", { name: "Fill in WeChat's official example" }).click();
    await form.getByRole("button", { name: "Sign" }).click();
    const result = page.getByRole("region", { name: "JS-SDK signature (WeChat, Feishu)" }).getByLabel("Result");
    await expect(result.getByLabel("signature (sha1)")).toHaveText("0f9de62fce790f9a083d5c99e95740ceb90c27ed");
    await expect(result.getByLabel("Canonical string")).toHaveText(
      "jsapi_ticket=sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg&noncestr=Wm3WZYTPz0wzccnW&timestamp=1414587457&url=http://mp.weixin.qq.com?params=value",
    );
    await expect(page.getByLabel("Checks")).toContainText("noncestr (lower case)");

    // A #fragment is warned about and left out of what is signed.
    await form.getByLabel("url").fill("http://mp.weixin.qq.com?params=value#section");
    await expect(page.getByLabel("Checks")).toContainText("The #fragment is not signed");
    await form.getByRole("button", { name: "Sign" }).click();
    await expect(result.getByLabel("signature (sha1)")).toHaveText("0f9de62fce790f9a083d5c99e95740ceb90c27ed");
    await page.screenshot({ path: "e2e/screenshots/signatures-1280.png", fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: "e2e/screenshots/signatures-390.png", fullPage: true });
  });

  test("with an app's current ticket the signature verifies, and the ticket stays masked", async ({ page }) => {
    const request = await authedRequest(stack.baseUrl);
    const p = `${stack.baseUrl}/api/proxy/wechat/cgi-bin`;
    const token = (await (await request.get(`${p}/token?grant_type=client_credential&appid=wx000000000000demo&secret=demo-wechat-secret`)).json()).access_token;
    const ticket = (await (await request.get(`${p}/ticket/getticket?access_token=${encodeURIComponent(token)}&type=jsapi`)).json()).ticket as string;
    await gotoSignedIn(page, `${stack.baseUrl}/signatures`);
    const form = page.getByRole("form", { name: "JS-SDK signature" });
    await form.getByLabel("App ticket").selectOption({ label: "WeChat demo · jsapi ticket (WeChat)" });
    await form.getByLabel("url").fill("https://shop.example.com/pay?id=7");
    await form.getByLabel("noncestr").fill("abc123");
    await form.getByLabel("timestamp").fill("1700000000");
    await form.getByRole("button", { name: "Sign" }).click();
    const result = page.getByRole("region", { name: "JS-SDK signature (WeChat, Feishu)" }).getByLabel("Result");
    await expect(result.getByLabel("signature (sha1)")).toHaveText(
      sha1(`jsapi_ticket=${ticket}&noncestr=abc123&timestamp=1700000000&url=https://shop.example.com/pay?id=7`),
    );
    await expect(result.getByLabel("Canonical string")).toContainText("••••••");
    await expect(result).not.toContainText(ticket);
    await expect(result.getByLabel("wx.config")).toContainText('"appId":"wx000000000000demo"');
  });

  test("FaceID sign over sorted values with the current SIGN ticket", async ({ page }) => {
    const request = await authedRequest(stack.baseUrl);
    const p = `${stack.baseUrl}/api/proxy/faceid/api/oauth2`;
    const token = (await (await request.get(`${p}/access_token?app_id=IDAdemo1&secret=demo-faceid-secret&grant_type=client_credential&version=1.0.0`)).json())
      .access_token;
    const sign = (await (await request.get(`${p}/api_ticket?app_id=IDAdemo1&access_token=${encodeURIComponent(token)}&type=SIGN&version=1.0.0`)).json())
      .tickets[0].value as string;
    await gotoSignedIn(page, `${stack.baseUrl}/signatures`);
    const form = page.getByRole("form", { name: "FaceID sign" });
    await form.getByLabel("wbappid").fill("IDAdemo1");
    await form.getByLabel("userId").fill("user_42");
    await form.getByLabel("nonceStr").fill("n0nce");
    await form.getByRole("button", { name: "Sign" }).click();
    const result = page.getByRole("region", { name: "FaceID sign" }).getByLabel("Result");
    await expect(result.getByLabel("sign (sha1)")).toHaveText(sha1(["IDAdemo1", "user_42", "n0nce", "1.0.0", sign].sort().join("")));
    await expect(result).not.toContainText(sign);
  });

  test("bad input names the field and the rule", async () => {
    const request = await authedRequest(stack.baseUrl);
    const url = `${stack.baseUrl}/api/signatures/jssdk`;
    const base = { ticket: "t", url: "https://a.example/", nonceStr: "n", timestamp: 1700000000 };
    const cases: [object, string][] = [
      [{ ...base, timestamp: 1700000000000 }, "timestamp: must be a unix time in seconds, not milliseconds"],
      [{ ...base, url: "/relative" }, "url: must be an absolute URL (http://… or https://…)"],
      [{ ...base, nonceStr: "has space" }, "nonceStr: letters, digits, _ and - only"],
      [{ ...base, extra: 1 }, "extra: unknown field (allowed: ticket, url, nonceStr, timestamp)"],
    ];
    for (const [data, detail] of cases) {
      const res = await request.post(url, { data });
      expect(res.status()).toBe(400);
      expect((await res.json()).detail).toBe(detail);
    }
    const f = await request.post(`${stack.baseUrl}/api/signatures/faceid`, { data: { values: [] } });
    expect((await f.json()).detail).toBe("values: must hold at least one value");
  });
});
