import { expect, type Page, test } from "@playwright/test";
import { putTicketAtRisk } from "./support/at-risk";
import { apiSession, gotoSignedIn } from "./support/auth";
import { seriousViolations } from "./support/axe";
import { englishLeft } from "./support/english-left";
import { startStack, type Stack } from "./support/stack";

// The overview and a credential page in Chinese (issue 14, item 5): every UI string, also the
// "needs attention" strip, the alerts banner and the alert card of a ticket put at risk by a 45009,
// countdowns in Chinese units, times through the shared formatter; axe clean wide and on a phone,
// light and dark. The English pages keep their wording (the other specs assert it).
// The sentences the server composes are in Chinese too (English marked lang="en" counts as English
// left): last errors and refresh reasons of a ticket failing on HTTP 500 and of an app with a wrong
// app id (bad configuration, its tickets refused "access token: …"), the open alerts' messages and
// runbooks, the Check results (the yzb vendor time through <DateTime>); the vendor's own words
// stay as it sent them, marked translate="no".

/** How often the alert loop evaluates in this stack. */
const ALERT_TICK_MS = 2_000;
// Data that happens to be English: the demo apps' names, the signed-in user's name.
const DATA = ["demo", "admin"];
const TICKET_ROW = "WeChat demo jsapi ticket";
const FEISHU_TICKET_ROW = "Feishu demo JSAPI ticket";
/** An app with an app id WeChat never issued (40013): refreshing stops, an alert opens with the Apps-page runbook. */
const WRONG_APP = "错误应用";

type Cred = { id: string; appId: string; vendor: string; kind: string; current: unknown; lastError: { class: string | null } | null };
type Alert = { kind: string; credentialId: string | null };

/** englishLeft and axe at 1280 and 390 px, light and dark. */
async function tour(page: Page, path: string, ready: () => Promise<void>): Promise<string[]> {
  const found: string[] = [];
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: 900 });
    await ready();
    expect({ path, width, left: await englishLeft(page, DATA) }).toEqual({ path, width, left: [] });
    for (const scheme of ["light", "dark"] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      found.push(...(await seriousViolations(page, `${path} ${width} ${scheme}`)));
    }
    await page.emulateMedia({ colorScheme: "light" });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
  return found;
}

test.describe("overview and credential page in Chinese", () => {
  let stack: Stack;
  let ticketId = "";
  let wrongTokenId = "";
  let yzbTicketId = "";
  let atRisk = false;
  test.beforeAll(async () => {
    stack = await startStack({ env: { TICKETHUB_ALERT_INTERVAL_MS: String(ALERT_TICK_MS) } });
    const op = await apiSession(stack.baseUrl, "operator");
    const all = async (): Promise<Cred[]> => (await (await op.fetch("/api/credentials")).json()).credentials;
    await expect.poll(async () => (await all()).every((c) => c.current), { timeout: 60_000 }).toBe(true);
    const ticket = (await all()).find((c) => c.appId === "wx000000000000demo" && c.kind === "jsapi_ticket")!;
    ticketId = ticket.id;
    yzbTicketId = (await all()).find((c) => c.vendor === "yzb" && c.kind === "js_ticket")!.id;
    // The Feishu ticket fails on every try (HTTP 500): "retrying", its last error and next attempt.
    const feishu = (await all()).find((c) => c.vendor === "feishu" && c.kind === "jsapi_ticket")!;
    await fetch(`${stack.sandboxUrl}/__sandbox/faults`, {
      method: "POST",
      body: JSON.stringify({ endpoint: "feishu /open-apis/jssdk/ticket/get", mode: "http-500" }),
    });
    expect((await op.fetch(`/api/credentials/${feishu.id}/refresh`, { method: "POST", body: "{}" })).status).toBe(502);
    // A wrong app id: bad configuration at the first try, an alert with its runbook within a tick.
    const admin = await apiSession(stack.baseUrl, "admin");
    const created = await admin.fetch("/api/apps", {
      method: "POST",
      body: JSON.stringify({ vendor: "wechat", name: WRONG_APP, appId: "wx00000000000000ff", secret: "some-secret", baseUrl: "sandbox" }),
    });
    expect(created.status).toBe(201);
    await expect
      .poll(async () => (await all()).filter((c) => c.appId === "wx00000000000000ff" && c.lastError?.class === "bad-config").length, { timeout: 30_000 })
      .toBe(3);
    wrongTokenId = (await all()).find((c) => c.appId === "wx00000000000000ff" && c.kind === "access_token")!.id;
    await expect
      .poll(async () => ((await (await op.fetch("/api/alerts")).json()).open as Alert[]).some((a) => a.credentialId === wrongTokenId), { timeout: 15_000 })
      .toBe(true);
    // A 45009 on a ticket that dies before the vendors' next day: at risk, an alert with its runbook.
    atRisk = await putTicketAtRisk(stack, op, ticket.id);
    if (atRisk) {
      await expect
        .poll(async () => ((await (await op.fetch("/api/alerts")).json()).open as { credentialId: string }[]).some((a) => a.credentialId === ticket.id), {
          timeout: 15_000,
        })
        .toBe(true);
    }
  });
  test.afterAll(async () => {
    await stack?.stop();
  });

  test("/ and a credential page read Chinese, axe clean; English keeps its words", async ({ browser }) => {
    const context = await browser.newContext({ locale: "zh-CN", timezoneId: "Asia/Shanghai" });
    const page = await context.newPage();
    const found: string[] = [];

    await gotoSignedIn(page, stack.baseUrl);
    const row = page.getByRole("row", { name: TICKET_ROW });
    await expect(page.getByRole("heading", { level: 1, name: "凭证" })).toBeVisible();
    await expect(page).toHaveTitle(/凭证 · Ticket Hub$/);
    // Countdowns in Chinese units, times with the zone's offset.
    await expect(row.getByRole("timer")).toHaveText(/^(\d+小时)?(\d+分)?\d+秒$/);
    await expect(page.getByRole("columnheader", { name: "剩余有效期" })).toBeAttached();
    await expect(page.getByRole("row", { name: "WeChat demo access_token" })).toBeVisible();
    if (atRisk) {
      await expect(page.getByRole("region", { name: /需要处理/ })).toContainText("有风险");
      // The alerts banner: the opening time through the shared formatter (this browser is in UTC+8).
      await expect(page.getByRole("region", { name: /未关闭的告警/ })).toContainText("UTC+8");
    }
    // Last errors and next attempts in Chinese, the vendor's own words aside.
    const feishuRow = page.getByRole("row", { name: FEISHU_TICKET_ROW });
    await expect(feishuRow).toContainText("网络错误：厂商返回 HTTP 500");
    await expect(feishuRow).toContainText(/网络错误，第 \d+ 次重试/);
    const wrongToken = page.getByRole("row", { name: `${WRONG_APP} access_token` });
    await expect(wrongToken).toContainText("配置错误：WeChat 返回 40013：invalid appid");
    await expect(wrongToken).toContainText("已停止：请修正应用配置，然后手动刷新");
    await expect(page.getByRole("row", { name: `${WRONG_APP} jsapi ticket` })).toContainText("配置错误：access_token：WeChat 返回 40013");
    await expect(page.getByRole("region", { name: /未关闭的告警/ })).toContainText(`${WRONG_APP} access_token：配置错误，已停止刷新（WeChat 返回 40013`);
    found.push(...(await tour(page, "/", () => expect(row.getByRole("timer")).toBeVisible())));
    await page.screenshot({ path: "e2e/screenshots/overview-zh-CN-1280.png", fullPage: true });

    // The refresh dialog says what the call costs, in Chinese.
    await row.getByRole("button", { name: `刷新 ${TICKET_ROW}` }).click();
    const dialog = page.getByRole("dialog");
    await expect(dialog).toContainText("Ticket Hub 将立即获取新值");
    expect(await englishLeft(page, DATA)).toEqual([]);
    await dialog.getByRole("button", { name: "取消" }).click();

    await gotoSignedIn(page, `${stack.baseUrl}/credentials/${ticketId}`);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("WeChat demo · jsapi ticket");
    await expect(page).toHaveTitle("凭证详情 · Ticket Hub");
    if (atRisk) {
      await expect(page.getByRole("status").filter({ hasText: "有风险：在刷新能成功之前客户端就会失败" })).toBeVisible();
      await expect(page.getByRole("article", { name: "未关闭的告警：quota-exhausted" })).toContainText("处理手册：");
    }
    await expect(page.getByLabel("来源").getByRole("link", { name: "access_token 第 1 代" })).toBeVisible();
    // Check answers in Chinese (the vendor's own probe text aside).
    await page.getByRole("button", { name: "检查 WeChat demo jsapi ticket" }).click();
    await expect(page.getByLabel("检查结果")).toContainText("本地：");
    const ready = () => expect(page.getByRole("table", { name: "为该凭证调用厂商接口的所有记录，最新的在前" })).toBeVisible();
    await expect(page.getByLabel("检查结果")).toContainText("微信不为令牌或票据提供免费的有效性检查");
    found.push(...(await tour(page, "/credentials/…", ready)));
    await page.screenshot({ path: "e2e/screenshots/credential-zh-CN-1280.png", fullPage: true });

    // The wrong app's token: its alert with the Apps-page runbook, in Chinese.
    await gotoSignedIn(page, `${stack.baseUrl}/credentials/${wrongTokenId}`);
    const card = page.getByRole("article", { name: "未关闭的告警：bad-config" });
    await expect(card).toContainText("处理手册：应用 ID 错误");
    await expect(card).toContainText("配置错误，已停止刷新（WeChat 返回 40013");
    await expect(card.getByRole("link", { name: "“应用”页" })).toHaveAttribute("href", "/apps");
    await expect(page.getByRole("status").filter({ hasText: "已中断" })).toContainText("配置错误：在修改应用之前，刷新都不会成功");
    found.push(...(await tour(page, "/credentials/(bad-config)", () => expect(card).toBeVisible())));
    await page.screenshot({ path: "e2e/screenshots/credential-alert-zh-CN-1280.png", fullPage: true });

    // yzb's Check asks the vendor: its answer in Chinese, the vendor's time in the chosen zone (UTC+8 here), not raw ISO.
    await gotoSignedIn(page, `${stack.baseUrl}/credentials/${yzbTicketId}`);
    await page.getByRole("button", { name: "检查 yzb demo js_ticket" }).click();
    const result = page.getByLabel("检查结果");
    await expect(result).toContainText(/yzb checkCode：有效至 \d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2} UTC\+8/);
    await expect(result).not.toContainText(/\d{4}-\d{2}-\d{2}T/);
    found.push(...(await tour(page, "/credentials/(yzb check)", () => expect(result).toContainText("有效至"))));
    expect(found).toEqual([]);

    // The language switch: the same page in English, with the wording the other specs assert.
    await page.getByRole("group", { name: "语言" }).getByRole("button", { name: "English" }).click();
    await expect(page.getByRole("button", { name: "Reveal current value" })).toBeVisible();
    await expect(page.getByRole("button", { name: "Check yzb demo js_ticket" })).toBeVisible();
    await gotoSignedIn(page, stack.baseUrl);
    await expect(page.getByRole("heading", { level: 1, name: "Credentials" })).toBeVisible();
    await expect(page.getByRole("row", { name: TICKET_ROW }).getByRole("timer")).toHaveText(/^(\d+h )?(\d+m )?\d+s$/);
    await context.close();
  });
});
