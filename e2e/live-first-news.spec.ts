// A page that came with its data does not read it again when the change stream first speaks
// (issue 13; components/ui/live-updates.tsx, LiveSeed). The stream's first message names every
// topic's stamp; a tab used to take all of them as news and read everything its page shows, a few
// hundred ms after the server had put the same data in the HTML. Now the server render says which
// stamps its data was read under, and only what moved since is read again: nothing, when nothing
// changed; the change, when something did change before the stream spoke.
import { expect, type Page, test } from "@playwright/test";
import { api, gotoSignedIn } from "./support/auth";
import { watchReads } from "./support/reads";
import { startStack, type Stack } from "./support/stack";

// When the stream's first `change` message reached the page (before the dashboard's own listener,
// which is added after this one), on the page's clock (performance.now(), as resource timings are).
const FIRST_NEWS = `
  window.__firstNewsAt = null;
  const Native = window.EventSource;
  window.EventSource = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener("change", () => { window.__firstNewsAt ??= performance.now(); });
    }
  };
`;

type Ticket = { id: string; kind: string; appName: string; kindLabel: string; generation: number };

/**
 * The API reads (not the stream) the page made since it was navigated to, once the stream's first
 * message has come and had time to start any read it causes: how often each URL was read, and the
 * URLs of the reads that started after that message.
 */
async function pageReads(page: Page): Promise<{ counts: Record<string, number>; afterNews: string[] }> {
  await expect.poll(() => page.evaluate(() => (window as unknown as { __firstNewsAt: number | null }).__firstNewsAt), { timeout: 30_000 }).not.toBeNull();
  // A read on the news starts at once; give a slow machine ample time to show one.
  await page.waitForTimeout(1_500);
  const reads = await page.evaluate(() =>
    performance
      .getEntriesByType("resource")
      .map((e) => ({ url: new URL(e.name), startTime: e.startTime }))
      .filter(({ url }) => url.pathname.startsWith("/api/") && url.pathname !== "/api/events")
      .map(({ url, startTime }) => ({
        url: url.pathname + url.search,
        afterNews: startTime >= (window as unknown as { __firstNewsAt: number }).__firstNewsAt,
      })),
  );
  const counts: Record<string, number> = {};
  for (const { url } of reads) counts[url] = (counts[url] ?? 0) + 1;
  return { counts, afterNews: reads.filter((r) => r.afterNews).map((r) => r.url) };
}

test.describe("the change stream's first message", () => {
  let stack: Stack;
  test.beforeAll(async () => {
    stack = await startStack();
  });
  test.afterAll(async () => {
    await stack?.stop();
  });

  const tickets = async (): Promise<Ticket[]> =>
    ((await (await api(stack.baseUrl, "/api/credentials", undefined, "operator")).json()) as { credentials: Ticket[] }).credentials;

  /** Once the new instance has fetched its first values, and nothing has changed for 3 s (a quiet instance). */
  const settled = async () => {
    let last = "";
    await expect
      .poll(
        async () => {
          const list = await tickets();
          const now = JSON.stringify(list.map((c) => [c.id, c.generation]));
          const quiet = list.every((c) => c.generation > 0) && now === last;
          last = now;
          return quiet;
        },
        { timeout: 60_000, intervals: [3_000] },
      )
      .toBe(true);
  };

  test("reads nothing again that a page came with, nor what it read as it started", async ({ page }) => {
    await settled();
    const ticket = (await tickets()).find((c) => c.kind === "jsapi_ticket")!;
    await page.context().addInitScript(FIRST_NEWS);
    await gotoSignedIn(page, `${stack.baseUrl}/`, "admin");
    // Each page is a new document in the same tab, so each one's stream is a first one. What each
    // page has in its HTML (Prefetched) is not read when the stream speaks (a slow machine may still
    // read it once as the page starts, when it is older than a second by then).
    const inHtml: [string, string[]][] = [
      ["/", ["/api/credentials", "/api/alerts"]],
      [`/credentials/${ticket.id}`, ["/api/credentials", "/api/alerts"]],
      ["/nonce", ["/api/catalog", "/api/nonce"]],
      ["/admin", ["/api/apps", "/api/keys", "/api/users"]],
      ["/apps", ["/api/apps"]],
      ["/audit", ["/api/audit"]],
      ["/signatures", ["/api/catalog"]],
      ["/yzb", ["/api/catalog"]],
    ];
    for (const [path, prefetched] of inHtml) {
      await page.goto(`${stack.baseUrl}${path}`);
      await expect(page.getByTestId("updated-ago"), path).toBeVisible({ timeout: 30_000 });
      const { counts, afterNews } = await pageReads(page);
      expect(
        Object.entries(counts).filter(([, n]) => n > 1),
        `reads made twice on ${path}: ${JSON.stringify(counts)}`,
      ).toEqual([]);
      const onNews = afterNews.filter((url) => prefetched.some((p) => url.startsWith(p)));
      expect(onNews, `reads of what ${path} had in its HTML, on the stream's first message`).toEqual([]);
    }
  });

  test("a change that lands before the stream speaks is read and shown", async ({ page }) => {
    const ticket = (await tickets()).find((c) => c.kind === "jsapi_ticket" && c.generation > 0)!;
    await page.context().addInitScript(FIRST_NEWS);
    // The stream is held back until the credential has changed after the page was rendered.
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    await page.route("**/api/events", async (route) => {
      await released;
      await route.continue();
    });
    await gotoSignedIn(page, `${stack.baseUrl}/credentials/${ticket.id}`, "operator");
    const generation = page.locator("#credential-title + p");
    await expect(generation).toContainText(`generation ${ticket.generation}`, { timeout: 30_000 });

    const refreshed = await api(
      stack.baseUrl,
      `/api/credentials/${ticket.id}/refresh`,
      { method: "POST", body: JSON.stringify({ ifGeneration: ticket.generation }) },
      "operator",
    );
    expect(refreshed.status).toBe(200);
    release();
    await expect(generation).toContainText(`generation ${ticket.generation + 1}`, { timeout: 10_000 });
    expect((await pageReads(page)).afterNews).toContainEqual(expect.stringMatching(/^\/api\/credentials\?app=/));
  });

  test("what a page came with is confirmed by its ETag when read again: 304s, no bodies", async ({ context }) => {
    // Headless Chromium keeps every page visible: hiding and showing the tab is played through the
    // Page Visibility API, which is what TanStack Query listens to.
    await context.addInitScript(`
      let hiddenNow = false;
      Object.defineProperty(Document.prototype, "visibilityState", { configurable: true, get: () => (hiddenNow ? "hidden" : "visible") });
      Object.defineProperty(Document.prototype, "hidden", { configurable: true, get: () => hiddenNow });
      window.__setHidden = (h) => { hiddenNow = h; document.dispatchEvent(new Event("visibilitychange", { bubbles: true })); };
    `);
    const pages: [string, string[]][] = [
      ["/", ["/api/alerts", "/api/credentials"]],
      ["/audit", ["/api/audit"]],
    ];
    for (const [path, queries] of pages) {
      const page = await context.newPage();
      const setHidden = (hidden: boolean) => page.evaluate((h) => (window as unknown as { __setHidden: (h: boolean) => void }).__setHidden(h), hidden);
      // Every read of the page's queries from its start on. A slow machine reads what the page came
      // with once as it starts (it is older than a second by then); the tab then shares that answer
      // with itself for a while (components/ui/shared-reads.ts, SHARE_MS) and its return into view
      // sends nothing. Either way each query is read at least once, and every read names what the
      // page holds and is confirmed without a body.
      const reads = watchReads(page, (p) => (queries.includes(p) ? p : null));
      if (path === "/") await gotoSignedIn(page, `${stack.baseUrl}${path}`, "viewer");
      else await page.goto(`${stack.baseUrl}${path}`);
      await expect(page.getByTestId("updated-ago")).toBeVisible({ timeout: 30_000 });
      // The tab comes back into view after more than a second: TanStack Query reads what the page
      // shows again (refetchOnWindowFocus), naming what the HTML brought.
      await setHidden(true);
      await page.waitForTimeout(1_500);
      await setHidden(false);
      const paths = () => [...new Set(reads.answers.map((a) => a.split(" ")[0]))].sort();
      await expect.poll(paths, { timeout: 10_000 }).toEqual(queries);
      await reads.settled();
      expect(reads.notConfirmed(), path).toEqual([]);
      await page.close();
    }
  });

  test("a credential page confirms its history by ETag when another app's credential changes: 304s, no bodies", async ({ page }) => {
    await settled();
    const list = await tickets();
    const shown = list.find((c) => c.appName === "Feishu demo" && c.kind === "jsapi_ticket")!;
    const other = list.find((c) => c.appName === "WeChat demo" && c.kind === "access_token")!;
    const history = `/api/credentials/${shown.id}/history`;
    // Every read of the page's history and of its app's credentials, from the page's start on.
    const reads = watchReads(page, (path) => (path === history ? "history" : path === "/api/credentials" ? "credentials" : null));
    // The reads the change caused name the stamps the tab heard on its stream (x-tickethub-heard).
    const named: boolean[] = [];
    let changed = false;
    page.on("request", (r) => void (changed && new URL(r.url()).pathname === history && named.push(!!r.headers()["x-tickethub-heard"])));
    await gotoSignedIn(page, `${stack.baseUrl}/credentials/${shown.id}`, "operator");
    await expect(page.locator("#credential-title + p")).toContainText(`generation ${shown.generation}`, { timeout: 30_000 });
    // Another app's token is renewed: the change stream names credentials, and the page reads its
    // history and its app's credentials again, which did not change. (A busy machine may also have
    // read them once as the page started: those reads are counted and asserted too.)
    const historyReads = () => reads.answers.filter((a) => a.startsWith("history ")).length;
    await reads.settled();
    const before = historyReads();
    changed = true;
    const refreshed = await api(
      stack.baseUrl,
      `/api/credentials/${other.id}/refresh`,
      { method: "POST", body: JSON.stringify({ ifGeneration: other.generation }) },
      "operator",
    );
    expect(refreshed.status).toBe(200);
    await expect.poll(historyReads, { timeout: 10_000 }).toBeGreaterThan(before);
    await reads.settled();
    expect(reads.notConfirmed()).toEqual([]);
    expect(named.length).toBeGreaterThan(0);
    expect(named.every(Boolean)).toBe(true);
    await expect(page.locator("#credential-title + p")).toContainText(`generation ${shown.generation}`);
  });
});
