import { expect, test } from "@playwright/test";
import { apiSession, gotoSignedIn, type ApiSession } from "./support/auth";
import { seriousViolations } from "./support/axe";
import { englishLeft } from "./support/english-left";
import { startStack, type Stack } from "./support/stack";

// The overview with more credentials than one page (issue 13, item 3): the server pages, searches and
// filters, "needs attention" comes first whatever its name, and the summary, the strip and the title
// count every credential. 20 WeChat apps (60 credentials) join the 9 demo ones, plus an app with a
// wrong app id whose name sorts last.

const APPS = 20;
const hex = (i: number) => i.toString(16).padStart(2, "0");
const appIdOf = (i: number) => `wx${"a".repeat(14)}${hex(i)}`;
const nameOf = (i: number) => `Paging ${String(i).padStart(2, "0")}`;
const WRONG = "Zz wrong id";
// Data that happens to be English: app and user names.
const DATA = ["Paging", "Wrong", "demo", "admin"];

type View = { id: string; appName: string; vendor: string; kind: string; current: unknown; lastError: { class: string | null } | null };
type Answer = {
  credentials: View[];
  totals: Record<string, number>;
  attention: View[];
  page: { number: number; size: number; matching: number; pages: number };
};

const sum = (totals: Record<string, number>) => Object.values(totals).reduce((a, b) => a + b, 0);

test.describe("the overview at more than a page of credentials", () => {
  let stack: Stack;
  let admin: ApiSession;
  let everything: Answer;
  const ask = async (search: string): Promise<Answer> => {
    const res = await admin.fetch(`/api/credentials${search}`);
    expect(res.status, search).toBe(200);
    return res.json();
  };

  test.beforeAll(async () => {
    stack = await startStack();
    admin = await apiSession(stack.baseUrl, "admin");
    for (let i = 0; i < APPS; i++) {
      const secret = `paging-secret-${i}`;
      await fetch(`${stack.sandboxUrl}/__sandbox/apps`, { method: "POST", body: JSON.stringify({ vendor: "wechat", appId: appIdOf(i), secret }) });
      const created = await admin.fetch("/api/apps", {
        method: "POST",
        body: JSON.stringify({ vendor: "wechat", name: nameOf(i), appId: appIdOf(i), secret, baseUrl: "sandbox" }),
      });
      expect(created.status).toBe(201);
    }
    // An id the sandbox never issued: WeChat 40013, "failing" at its first try.
    const wrong = await admin.fetch("/api/apps", {
      method: "POST",
      body: JSON.stringify({ vendor: "wechat", name: WRONG, appId: "wx00000000000000ff", secret: "some-secret", baseUrl: "sandbox" }),
    });
    expect(wrong.status).toBe(201);
    await expect
      .poll(
        async () => {
          everything = await ask("");
          const paging = everything.credentials.filter((c) => c.appName.startsWith("Paging"));
          const wrongToken = everything.credentials.find((c) => c.appName === WRONG && c.kind === "access_token");
          return paging.length === APPS * 3 && paging.every((c) => c.current) && wrongToken?.lastError?.class === "bad-config";
        },
        { timeout: 60_000 },
      )
      .toBe(true);
  });
  test.afterAll(async () => {
    await stack?.stop();
  });

  test("GET /api/credentials pages, searches and filters on the server; totals and attention count everything", async () => {
    const total = everything.credentials.length;
    expect(total).toBe(9 + APPS * 3 + 3);
    const first = await ask("?limit=50");
    expect(first.credentials).toHaveLength(50);
    expect(first.page).toEqual({ number: 1, size: 50, matching: total, pages: 2 });
    // What needs attention leads, although its name sorts last.
    expect(first.credentials[0]).toMatchObject({ appName: WRONG, kind: "access_token" });
    expect(first.attention[0]).toMatchObject({ appName: WRONG, kind: "access_token" });
    expect(sum(first.totals)).toBe(total);
    expect(first.totals.failing).toBeGreaterThanOrEqual(1);
    const second = await ask("?limit=50&page=2");
    expect(second.credentials).toHaveLength(total - 50);
    expect(new Set([...first.credentials, ...second.credentials].map((c) => c.id))).toEqual(new Set(everything.credentials.map((c) => c.id)));

    const seventh = await ask(`?q=${encodeURIComponent("paging 07")}&limit=50`);
    expect(seventh.credentials.map((c) => c.appName)).toEqual([nameOf(7), nameOf(7), nameOf(7)]);
    expect(sum(seventh.totals)).toBe(total);
    const feishu = await ask("?vendor=feishu&limit=50");
    expect(feishu.credentials.map((c) => c.vendor)).toEqual(["feishu", "feishu"]);
    expect(feishu.page.matching).toBe(2);
    const failing = await ask("?health=failing");
    expect(failing.credentials.some((c) => c.appName === WRONG)).toBe(true);
    expect(failing.credentials.every((c) => c.appName === WRONG)).toBe(true);

    for (const [search, detail] of [
      ["?page=0", "page: must be a whole number"],
      ["?limit=501", "limit: must be a whole number from 1 to 500"],
      ["?health=sick", "health: must be one of"],
      ["?vendor=acme", "vendor: must be one of"],
      ["?sort=name", "sort: unknown parameter"],
    ] as const) {
      const res = await admin.fetch(`/api/credentials${search}`);
      expect(res.status, search).toBe(400);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
      expect((await res.json()).detail).toContain(detail);
    }

    // A page the tab holds is confirmed by a bodiless 304 while nothing changes.
    await expect
      .poll(
        async () => {
          const etag = (await admin.fetch("/api/credentials?limit=50&page=2")).headers.get("etag")!;
          return (await admin.fetch("/api/credentials?limit=50&page=2", { headers: { "if-none-match": etag } })).status;
        },
        { timeout: 15_000 },
      )
      .toBe(304);
  });

  test("pages with the keyboard, keeps the page in the URL and counts every credential above the table", async ({ page }) => {
    const wechat = everything.credentials.filter((c) => c.vendor === "wechat").length;
    await gotoSignedIn(page, `${stack.baseUrl}/?vendor=wechat`);
    const rows = page.getByRole("table", { name: /Credentials of every app/ }).locator("tbody tr");
    const pager = page.getByRole("navigation", { name: "Pages" });
    await expect(pager).toContainText(`1–50 of ${wechat}`);
    await expect(pager).toContainText("Page 1 of 2");
    await expect(rows).toHaveCount(50);
    await expect(rows.first()).toHaveAccessibleName(`${WRONG} Access token`);
    await pager.screenshot({ path: "e2e/screenshots/overview-pager-en.png" });
    // The summary counts all credentials, not the page nor the vendor shown.
    const summary = (await page.getByLabel("summary").textContent()) ?? "";
    expect([...summary.matchAll(/(\d+) [a-z-]+/g)].reduce((n, m) => n + Number(m[1]), 0)).toBe(everything.credentials.length);
    await expect(page.getByRole("heading", { name: /Needs attention/ })).toBeVisible();

    const next = pager.getByRole("button", { name: "Next page" });
    await next.focus();
    await page.keyboard.press("Enter");
    await expect(pager).toContainText(`51–${wechat} of ${wechat}`);
    await expect(rows).toHaveCount(wechat - 50);
    await expect(page).toHaveURL(/[?&]page=2(&|$)/);
    await expect(page).toHaveURL(/vendor=wechat/);
    // At the last page Next stays focused and does nothing.
    await expect(next).toBeFocused();
    await expect(next).toHaveAttribute("aria-disabled", "true");
    await page.keyboard.press("Enter");
    await expect(pager).toContainText("Page 2 of 2");
    // Shift+Tab reaches the previous page.
    await page.keyboard.press("Shift+Tab");
    await expect(pager.getByRole("button", { name: "Previous page" })).toBeFocused();
    await page.keyboard.press("Enter");
    await expect(pager).toContainText("Page 1 of 2");

    // The page is in the first HTML too: a reload (or a shared link) of page 2 shows page 2.
    await page.goto(`${stack.baseUrl}/?vendor=wechat&page=2`);
    await expect(pager).toContainText(`51–${wechat} of ${wechat}`);
    // A new search starts at the first page (and one page needs no pager).
    await page.getByRole("search").getByLabel("Search").fill("Paging 1");
    await expect(rows).toHaveCount(30);
    await expect(pager).toHaveCount(0);
    await expect(page).not.toHaveURL(/page=/);
  });

  test("in Chinese the pager is translated, and axe is clean at 1280 and 390 px", async ({ browser }) => {
    const context = await browser.newContext({ locale: "zh-CN" });
    const page = await context.newPage();
    try {
      await gotoSignedIn(page, `${stack.baseUrl}/?vendor=wechat`);
      const pager = page.getByRole("navigation", { name: "分页" });
      await expect(pager).toContainText("第 1 / 2 页");
      await expect(pager.getByRole("button", { name: "下一页" })).toBeVisible();
      await pager.screenshot({ path: "e2e/screenshots/overview-pager-zh.png" });
      const found: string[] = [];
      for (const width of [1280, 390]) {
        await page.setViewportSize({ width, height: 900 });
        expect({ width, left: await englishLeft(page, DATA) }).toEqual({ width, left: [] });
        found.push(...(await seriousViolations(page, `/?vendor=wechat ${width}`)));
        await page.screenshot({ path: `e2e/screenshots/overview-paging-zh-${width}.png`, fullPage: width === 1280 });
      }
      expect(found).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
