// A page that came with its data does not read it again when the change stream first speaks
// (issue 13; components/ui/live-updates.tsx, LiveSeed). The stream's first message names every
// topic's stamp; a tab used to take all of them as news and read everything its page shows, a few
// hundred ms after the server had put the same data in the HTML. Now the server render says which
// stamps its data was read under, and only what moved since is read again: nothing, when nothing
// changed; the change, when something did change before the stream spoke.
import { expect, type Page, test } from "@playwright/test";
import { api, gotoSignedIn } from "./support/auth";
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

/** The API reads (not the stream) the page started after the stream's first message, once it came. */
async function readsAfterFirstNews(page: Page): Promise<string[]> {
  await expect.poll(() => page.evaluate(() => (window as unknown as { __firstNewsAt: number | null }).__firstNewsAt), { timeout: 30_000 }).not.toBeNull();
  // A read on the news starts at once; give a slow machine ample time to show one.
  await page.waitForTimeout(1_500);
  return page.evaluate(() => {
    const at = (window as unknown as { __firstNewsAt: number }).__firstNewsAt;
    return performance
      .getEntriesByType("resource")
      .filter((e) => e.startTime >= at && new URL(e.name).pathname.startsWith("/api/") && new URL(e.name).pathname !== "/api/events")
      .map((e) => new URL(e.name).pathname + new URL(e.name).search);
  });
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

  test("reads nothing again on the pages that came with their data, nor on those that fetched it", async ({ page }) => {
    await settled();
    const ticket = (await tickets()).find((c) => c.kind === "jsapi_ticket")!;
    await page.context().addInitScript(FIRST_NEWS);
    await gotoSignedIn(page, `${stack.baseUrl}/`, "admin");
    // One browser tab per page, so each page's stream is a first one (another tab would relay its own).
    for (const path of ["/", `/credentials/${ticket.id}`, "/nonce", "/admin", "/apps", "/audit", "/signatures", "/yzb"]) {
      await page.goto(`${stack.baseUrl}${path}`);
      await expect(page.getByTestId("updated-ago"), path).toBeVisible({ timeout: 30_000 });
      expect(await readsAfterFirstNews(page), `reads after the stream's first message on ${path}`).toEqual([]);
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
    expect(await readsAfterFirstNews(page)).toContainEqual(expect.stringMatching(/^\/api\/credentials\?app=/));
  });
});
