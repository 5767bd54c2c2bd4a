import { type Browser, expect, type Page, test } from "@playwright/test";
import { api, gotoSignedIn, signInContext } from "./support/auth";
import { seriousViolations } from "./support/axe";
import { englishLeft } from "./support/english-left";
import { startStack, type Stack } from "./support/stack";

// The operator tools (NONCE desk, signatures, yzb tools) and the Apps form in Chinese, wide and on
// a phone, light and dark; the same pages still read in English for an English browser.

// Data that happens to be English: the demo apps' and users' names, the user_id this spec issues for.
// Protocol terms that stay in Chinese too: URL, JSON, Webhook, SHA1, and the API's open_id.
const DATA = ["demo", "admin", "qa", "probe", "URL", "JSON", "Webhook", "SHA", "open_id"];

type Step = [name: string, path: string, ready: (page: Page) => Promise<void>];

const ZH: Step[] = [
  [
    "nonce",
    "/nonce",
    async (p) => {
      await expect(p.getByRole("heading", { level: 1 })).toHaveText("NONCE 工作台");
      await expect(p).toHaveTitle("NONCE 工作台 · Ticket Hub");
      await expect(p.getByRole("table", { name: /最近签发的 NONCE 票据/ }).getByRole("row", { name: /qa-probe 的 NONCE/ })).toBeVisible();
      await expect(p.getByLabel("FaceID 应用")).toHaveValue(/.+/);
    },
  ],
  [
    "signatures",
    "/signatures",
    async (p) => {
      await expect(p.getByRole("heading", { level: 1 })).toHaveText("签名工具");
      // The example filled in and signed: the checks and the result show too.
      await p.getByRole("button", { name: "填入微信官方示例" }).click();
      await p.getByRole("form", { name: "JS-SDK 签名" }).getByRole("button", { name: "签名" }).click();
      await expect(p.getByRole("region", { name: "JS-SDK 签名（微信、飞书）" }).getByLabel("结果").getByLabel("签名（sha1）")).toHaveText(
        "0f9de62fce790f9a083d5c99e95740ceb90c27ed",
      );
      await expect(p.getByLabel("检查项")).toContainText("拼写注意");
    },
  ],
  [
    "yzb",
    "/yzb",
    async (p) => {
      await expect(p.getByRole("heading", { level: 1 })).toHaveText("yzb 工具");
      await expect(p.getByLabel("yzb 应用")).toHaveValue(/.+/);
    },
  ],
  [
    "apps-add",
    "/apps",
    async (p) => {
      await p.getByRole("button", { name: "添加应用" }).click();
      const form = p.getByRole("form", { name: "添加应用" });
      // The browser's own checks speak Chinese too.
      await form.getByRole("button", { name: "添加应用" }).click();
      await expect(form.getByLabel("名称")).toHaveAttribute("aria-invalid", "true");
      await expect(form).toContainText("必填");
      // The policy hint shows its example (it is JSON: braces the message format must not read).
      await expect(form).toContainText('例如 {"schedules": {"jsapi_ticket"');
    },
  ],
  [
    "apps-edit",
    "/apps",
    async (p) => {
      await p.getByRole("table", { name: "已注册的厂商应用" }).getByRole("button", { name: "编辑 WeChat demo" }).click();
      const form = p.getByRole("form", { name: "编辑 WeChat demo" });
      await expect(form.getByRole("group", { name: "告警渠道（本应用）" })).toContainText("当前：无");
    },
  ],
];

test.describe("operator tools and the Apps form in both languages", () => {
  let stack: Stack;
  test.beforeAll(async () => {
    stack = await startStack();
    const catalog = await (await api(stack.baseUrl, "/api/catalog")).json();
    const faceid = catalog.credentials.find((c: { vendor: string }) => c.vendor === "faceid");
    const res = await api(stack.baseUrl, "/api/nonce", { method: "POST", body: JSON.stringify({ appRef: faceid.appRef, userId: "qa-probe" }) });
    expect(res.status).toBe(201);
  });
  test.afterAll(async () => {
    await stack?.stop();
  });

  async function tour(browser: Browser) {
    const context = await browser.newContext({ locale: "zh-CN", timezoneId: "America/New_York" });
    const page = await context.newPage();
    const found: string[] = [];
    for (const [name, path, ready] of ZH) {
      for (const width of [1280, 390]) {
        await page.setViewportSize({ width, height: 900 });
        await gotoSignedIn(page, `${stack.baseUrl}${path}`);
        await ready(page);
        expect({ name, width, left: await englishLeft(page, DATA) }).toEqual({ name, width, left: [] });
        for (const scheme of ["light", "dark"] as const) {
          await page.emulateMedia({ colorScheme: scheme });
          found.push(...(await seriousViolations(page, `${name} ${width} ${scheme}`)));
        }
        await page.emulateMedia({ colorScheme: "light" });
        await page.screenshot({ path: `e2e/screenshots/i18n-${name}-zh-CN-${width}.png`, fullPage: true });
      }
    }
    expect(found).toEqual([]);
    await context.close();
  }

  test("a Chinese browser reads the NONCE desk, the signature and yzb tools and the Apps form in Chinese, wide and narrow, light and dark", async ({
    browser,
  }) => {
    await tour(browser);
  });

  test("the tools' app pickers are in each page's first HTML: no \"Loading apps…\" that turns into a taller picker and pushes the form down", async ({
    browser,
  }) => {
    const context = await browser.newContext({ locale: "en", javaScriptEnabled: false });
    const page = await context.newPage();
    await signInContext(page, stack.baseUrl, "operator");
    for (const [path, picker, app] of [
      ["/nonce", "FaceID app", "FaceID demo (IDAdemo1)"],
      ["/yzb", "yzb app", "yzb demo (yzbdemo1)"],
    ] as const) {
      await page.goto(`${stack.baseUrl}${path}`);
      await expect(page.getByLabel(picker).locator("option:checked"), path).toHaveText(app);
      await expect(page.getByText("Loading apps…"), path).toHaveCount(0);
      // …and not to be used before React has the page: a choice would be undone, a submit reload it.
      await expect(page.getByLabel(picker), path).toBeDisabled();
    }
    await page.goto(`${stack.baseUrl}/nonce`);
    await expect(page.getByRole("button", { name: "Issue" })).toBeDisabled();
    await context.close();
  });

  test("the NONCE desk's recent tickets are in its first HTML with their state, for operators only", async ({ browser }) => {
    const apps = (await (await api(stack.baseUrl, "/api/apps")).json()).apps as { id: string; vendor: string }[];
    const faceid = apps.find((a) => a.vendor === "faceid")!;
    const issued = await api(stack.baseUrl, "/api/nonce", { method: "POST", body: JSON.stringify({ appRef: faceid.id, userId: "first-html-probe" }) });
    expect(issued.status).toBe(201);
    const open = async (role: "operator" | "viewer") => {
      const context = await browser.newContext({ locale: "en", javaScriptEnabled: false });
      const page = await context.newPage();
      await signInContext(page, stack.baseUrl, role);
      await page.goto(`${stack.baseUrl}/nonce`);
      return page;
    };
    const operator = await open("operator");
    const row = operator.getByRole("table", { name: /Recently issued NONCE tickets/ }).getByRole("row", { name: /NONCE for first-html-probe issued/ });
    await expect(row).toBeVisible();
    // Its state as the server saw it ("…" until the page ticked), and nothing to click before React has the page.
    await expect(row.getByText(/^(\d+m )?\d{1,2}s left$/)).toBeVisible();
    await expect(row.getByRole("button", { name: "Mark the NONCE for first-html-probe used" })).toBeDisabled();
    await expect(operator.getByText("Loading…")).toHaveCount(0);
    await operator.context().close();
    // A viewer is refused the desk, and its HTML carries none of the list.
    const viewer = await open("viewer");
    await expect(viewer.locator("#role-needed")).toBeVisible();
    expect(await viewer.content()).not.toContain("first-html-probe");
    await viewer.context().close();
  });

  test("an English browser still reads them in English", async ({ browser }) => {
    const context = await browser.newContext({ locale: "en", timezoneId: "America/New_York" });
    const page = await context.newPage();
    await gotoSignedIn(page, `${stack.baseUrl}/nonce`);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("NONCE desk");
    await expect(page).toHaveTitle("NONCE desk · Ticket Hub");
    await expect(page.getByRole("table", { name: /Recently issued NONCE tickets/ }).getByRole("row", { name: /NONCE for qa-probe issued/ })).toBeVisible();
    await page.goto(`${stack.baseUrl}/signatures`);
    await expect(page).toHaveTitle("Signatures · Ticket Hub");
    await expect(page.getByText('why a vendor says "invalid signature"')).toBeVisible();
    await page.goto(`${stack.baseUrl}/yzb`);
    await expect(page).toHaveTitle("yzb tools · Ticket Hub");
    await expect(page.getByRole("heading", { name: "Check a token or js_ticket" })).toBeVisible();
    await page.goto(`${stack.baseUrl}/apps`);
    await page.getByRole("button", { name: "Add app" }).click();
    await expect(page.getByRole("form", { name: "Add an app" })).toContainText('e.g. {"schedules": {"jsapi_ticket": {"everySeconds": 3600}}');
    await context.close();
  });
});
