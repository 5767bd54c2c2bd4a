import { createHash } from "node:crypto";
import { expect, test } from "@playwright/test";
import { startStack, type Stack } from "./support/stack";
import { authedRequest, gotoSignedIn } from "./support/auth";

const sha1 = (s: string) => createHash("sha1").update(s).digest("hex");
const WECHAT_TICKET = "sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg";
const EXAMPLE = { nonceStr: "Wm3WZYTPz0wzccnW", timestamp: "1414587457", url: "http://mp.weixin.qq.com?params=value" };

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
    // The nav link is where the server's HTML put it: the first click, even mid-hydration, lands.
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Signatures" }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Signatures");
    const form = page.getByRole("form", { name: "JS-SDK signature" });
    await page.getByRole("button", { name: "Fill in WeChat's official example" }).click();
    await form.getByRole("button", { name: "Sign" }).click();
    const result = page.getByRole("region", { name: "JS-SDK signature (WeChat, Feishu)" }).getByLabel("Result");
    await expect(result.getByLabel("signature (sha1)")).toHaveText("0f9de62fce790f9a083d5c99e95740ceb90c27ed");
    await expect(result.getByLabel("String to sign", { exact: true })).toHaveText(
      "jsapi_ticket=sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg&noncestr=Wm3WZYTPz0wzccnW&timestamp=1414587457&url=http://mp.weixin.qq.com?params=value",
    );
    // A pasted ticket gets its wx.config call too: the computed values, never the ticket.
    const snippet = result.getByLabel("wx.config", { exact: true });
    await expect(snippet).toContainText('signature: "0f9de62fce790f9a083d5c99e95740ceb90c27ed"');
    await expect(snippet).toContainText("timestamp: 1414587457,");
    await expect(snippet).toContainText('nonceStr: "Wm3WZYTPz0wzccnW"');
    await expect(snippet).not.toContainText(WECHAT_TICKET);
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

  test("every input error shows at once beside its field, in the page's language, and nothing is signed", async ({ page, browser }) => {
    await gotoSignedIn(page, `${stack.baseUrl}/signatures`);
    const form = page.getByRole("form", { name: "JS-SDK signature" });
    await form.getByLabel("A ticket I paste").check();
    await form.getByLabel("url").fill("/pay?id=7");
    await form.getByLabel("noncestr").fill("has space");
    await form.getByLabel("timestamp").fill("12x");
    await form.getByRole("button", { name: "Sign" }).click();
    await expect(form.getByRole("alert")).toHaveText("4 fields need fixing: each says what below it.");
    await expect(form.getByLabel("jsapi_ticket")).toHaveAccessibleDescription(/Required\./);
    await expect(form.getByLabel("url")).toHaveAccessibleDescription(/Must be an absolute URL starting with http:\/\/ or https:\/\//);
    await expect(form.getByLabel("noncestr")).toHaveAccessibleDescription(/Letters, digits, _ and - only\./);
    await expect(form.getByLabel("timestamp")).toHaveAccessibleDescription(/Must be a whole number/);
    for (const name of ["jsapi_ticket", "url", "noncestr", "timestamp"]) await expect(form.getByLabel(name)).toHaveAttribute("aria-invalid", "true");
    await expect(page.getByLabel("Result")).toHaveCount(0);
    // Fixing a field clears its message as it is typed.
    await form.getByLabel("url").fill("https://shop.example.com/pay?id=7");
    await expect(form.getByLabel("url")).not.toHaveAttribute("aria-invalid", "true");
    await expect(form.getByRole("alert")).toHaveText("3 fields need fixing: each says what below it.");

    // FaceID: empty wbappid, userId and nonceStr are refused, each beside its field, instead of signed without.
    const face = page.getByRole("form", { name: "FaceID sign" });
    await face.getByRole("button", { name: "Sign" }).click();
    for (const name of ["wbappid", "userId", "nonceStr"]) await expect(face.getByLabel(name, { exact: true })).toHaveAccessibleDescription("Required.");
    await face.getByLabel("wbappid", { exact: true }).fill("IDA");
    await expect(face.getByLabel("wbappid", { exact: true })).toHaveAccessibleDescription("Must be the WBappid: 8 letters or digits.");
    await expect(page.getByRole("region", { name: "FaceID sign" }).getByLabel("Result")).toHaveCount(0);

    // In Chinese, the same messages in Chinese.
    const zh = await browser.newContext({ locale: "zh-CN" });
    const zhPage = await zh.newPage();
    await gotoSignedIn(zhPage, `${stack.baseUrl}/signatures`);
    const zhFace = zhPage.getByRole("form", { name: "FaceID 签名" });
    await zhFace.getByRole("button", { name: "签名", exact: true }).click();
    await expect(zhFace.getByLabel("wbappid", { exact: true })).toHaveAccessibleDescription("必填。");
    await expect(zhFace.getByRole("alert")).toHaveText("3 个字段需要修改：各字段下方有说明。");
    await zh.close();
  });

  test("a millisecond timestamp is signed as given, with a warning; the page's signature is compared; results copy", async ({ page, context }) => {
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: stack.baseUrl });
    await gotoSignedIn(page, `${stack.baseUrl}/signatures`);
    const form = page.getByRole("form", { name: "JS-SDK signature" });
    const tool = page.getByRole("region", { name: "JS-SDK signature (WeChat, Feishu)" });
    await page.getByRole("button", { name: "Fill in WeChat's official example" }).click();
    await form.getByLabel("timestamp").fill("1414587457000");
    await expect(form).toContainText("This looks like milliseconds; WeChat expects seconds");
    await form.getByRole("button", { name: "Sign" }).click();
    const result = tool.getByLabel("Result");
    const asGiven = sha1(`jsapi_ticket=${WECHAT_TICKET}&noncestr=${EXAMPLE.nonceStr}&timestamp=1414587457000&url=${EXAMPLE.url}`);
    await expect(result.getByLabel("signature (sha1)")).toHaveText(asGiven);
    await expect(result.getByRole("note")).toHaveText("⚠ This looks like milliseconds; WeChat expects seconds: the signature below uses the value as given.");

    // Copy buttons: the signature and the string to sign.
    await result.getByRole("button", { name: "Copy the signature" }).click();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(asGiven);
    await result.getByRole("button", { name: "Copy the string to sign" }).click();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(
      `jsapi_ticket=${WECHAT_TICKET}&noncestr=${EXAMPLE.nonceStr}&timestamp=1414587457000&url=${EXAMPLE.url}`,
    );

    // The page signed seconds but sent milliseconds: the comparison finds it.
    const compare = result.getByRole("form", { name: "Compare with the page's signature" });
    const sent = compare.getByLabel("Signature my page sent");
    const verdict = result.getByRole("status", { name: "Comparison" });
    await sent.fill("0f9de62fce790f9a083d5c99e95740ceb90c27ed");
    await compare.getByRole("button", { name: "Compare" }).click();
    await expect(verdict).toContainText("Does not match");
    await expect(verdict).toContainText("signed the timestamp in seconds but passed it in milliseconds");
    await sent.fill(asGiven.toUpperCase());
    await compare.getByRole("button", { name: "Compare" }).click();
    await expect(verdict).toContainText("Matches: the page signed the same string.");
    await sent.fill("not a signature");
    await compare.getByRole("button", { name: "Compare" }).click();
    await expect(sent).toHaveAccessibleDescription(/Must be a SHA1 signature: 40 characters 0-9 and a-f\./);

    // Back to seconds, a URL with a #fragment: a page that signed the fragment is found out; an unexplained one gets the likely causes.
    await form.getByLabel("timestamp").fill(EXAMPLE.timestamp);
    await form.getByLabel("url").fill(`${EXAMPLE.url}#pay`);
    await form.getByRole("button", { name: "Sign" }).click();
    await expect(result.getByLabel("signature (sha1)")).toHaveText("0f9de62fce790f9a083d5c99e95740ceb90c27ed");
    await sent.fill(sha1(`jsapi_ticket=${WECHAT_TICKET}&noncestr=${EXAMPLE.nonceStr}&timestamp=${EXAMPLE.timestamp}&url=${EXAMPLE.url}#pay`));
    await compare.getByRole("button", { name: "Compare" }).click();
    await expect(verdict).toContainText("the page signed the URL with its #fragment");
    await sent.fill(sha1(`jsapi_ticket=${WECHAT_TICKET}&nonceStr=${EXAMPLE.nonceStr}&timestamp=${EXAMPLE.timestamp}&url=${EXAMPLE.url}`));
    await compare.getByRole("button", { name: "Compare" }).click();
    await expect(verdict).toContainText("spells the key nonceStr");
    await sent.fill("0".repeat(40));
    await compare.getByRole("button", { name: "Compare" }).click();
    await expect(verdict).toContainText("No usual slip reproduces the page's signature");
    await expect(verdict.getByRole("listitem").first()).toContainText("#fragment");
    await page.screenshot({ path: "e2e/screenshots/signatures-compare-1280.png", fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: "e2e/screenshots/signatures-compare-390.png", fullPage: true });
  });

  test("a page signed with the previous ticket of an app is found out, the ticket staying on the server", async ({ page }) => {
    const request = await authedRequest(stack.baseUrl);
    const list = await (await request.get(`${stack.baseUrl}/api/credentials`)).json();
    const slot = list.credentials.find((c: { vendor: string; kind: string }) => c.vendor === "wechat" && c.kind === "jsapi_ticket");
    const p = `${stack.baseUrl}/api/proxy/wechat/cgi-bin`;
    const token = (await (await request.get(`${p}/token?grant_type=client_credential&appid=wx000000000000demo&secret=demo-wechat-secret`)).json()).access_token;
    const old = (await (await request.get(`${p}/ticket/getticket?access_token=${encodeURIComponent(token)}&type=jsapi`)).json()).ticket as string;
    const refreshed = await request.post(`${stack.baseUrl}/api/credentials/${slot.id}/refresh`, { data: {} });
    const generation = (await refreshed.json()).credential.generation as number;
    await gotoSignedIn(page, `${stack.baseUrl}/signatures`);
    const form = page.getByRole("form", { name: "JS-SDK signature" });
    await form.getByLabel("App ticket").selectOption({ label: "WeChat demo · jsapi ticket (WeChat)" });
    await form.getByLabel("url").fill("https://shop.example.com/pay?id=7");
    await form.getByLabel("noncestr").fill("abc123");
    await form.getByLabel("timestamp").fill("1700000000");
    await form.getByRole("button", { name: "Sign" }).click();
    const result = page.getByRole("region", { name: "JS-SDK signature (WeChat, Feishu)" }).getByLabel("Result");
    await expect(result.getByLabel("signature (sha1)")).toHaveText(/^[0-9a-f]{40}$/);
    const compare = result.getByRole("form", { name: "Compare with the page's signature" });
    await compare
      .getByLabel("Signature my page sent")
      .fill(sha1(`jsapi_ticket=${old}&noncestr=abc123&timestamp=1700000000&url=https://shop.example.com/pay?id=7`));
    await compare.getByRole("button", { name: "Compare" }).click();
    await expect(result.getByRole("status", { name: "Comparison" })).toContainText(`signed with the previous ticket (generation ${generation - 1})`);
    await expect(page.locator("body")).not.toContainText(old);
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
    await expect(result.getByLabel("String to sign", { exact: true })).toContainText("••••••");
    await expect(result).not.toContainText(ticket);
    await expect(result.getByLabel("wx.config", { exact: true })).toContainText('appId: "wx000000000000demo",');
    await expect(result.getByLabel("wx.config", { exact: true })).not.toContainText(ticket);
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
      [{ ...base, timestamp: "1700000000" }, "timestamp: must be a unix time: a whole number of seconds (milliseconds are signed as given)"],
      [{ ...base, timestamp: 1.5 }, "timestamp: must be a unix time: a whole number of seconds (milliseconds are signed as given)"],
      [{ ...base, pageSignature: "abc" }, "pageSignature: must be a SHA1 signature: 40 characters 0-9 and a-f"],
      [{ ...base, url: "/relative" }, "url: must be an absolute URL (http://… or https://…)"],
      [{ ...base, nonceStr: "has space" }, "nonceStr: letters, digits, _ and - only"],
      [{ ...base, extra: 1 }, "extra: unknown field (allowed: ticket, url, nonceStr, timestamp, pageSignature)"],
    ];
    for (const [data, detail] of cases) {
      const res = await request.post(url, { data });
      expect(res.status()).toBe(400);
      expect((await res.json()).detail).toBe(detail);
    }
    // A millisecond timestamp is signed as given.
    const ms = await request.post(url, { data: { ...base, timestamp: 1700000000000 } });
    expect(ms.status()).toBe(200);
    expect((await ms.json()).signature).toBe(sha1("jsapi_ticket=t&noncestr=n&timestamp=1700000000000&url=https://a.example/"));

    // FaceID: every value is required; an empty one is named, never signed without.
    const face = { wbappid: "IDAdemo1", userId: "user_42", nonceStr: "n0nce", version: "1.0.0", ticket: "t" };
    const faceCases: [object, string][] = [
      [{ ...face, wbappid: "" }, "wbappid: is required"],
      [{ ...face, userId: "" }, "userId: is required"],
      [{ ...face, nonceStr: "" }, "nonceStr: is required"],
      [{ ...face, version: "" }, "version: is required"],
      [{ ...face, ticket: "" }, "ticket: is required"],
      [{ ...face, wbappid: "IDA" }, "wbappid: must be the WBappid: 8 letters or digits"],
      [{ ...face, extra: 1 }, "extra: unknown field (allowed: ticket, wbappid, userId, nonceStr, version)"],
    ];
    for (const [data, detail] of faceCases) {
      const res = await request.post(`${stack.baseUrl}/api/signatures/faceid`, { data });
      expect(res.status(), JSON.stringify(data)).toBe(400);
      expect((await res.json()).detail).toBe(detail);
    }
    const signed = await request.post(`${stack.baseUrl}/api/signatures/faceid`, { data: face });
    expect((await signed.json()).signature).toBe(sha1(["IDAdemo1", "user_42", "n0nce", "1.0.0", "t"].sort().join("")));
  });
});
