// Background tabs and the change stream (issue 13): a tab nobody looks at does not refetch the
// credential list when a credential changes (with 100 tabs open, 99 of them would otherwise ask at
// once, in the way of the one being looked at); the moment it is shown it fetches and shows the
// change. Headless Chromium keeps every page visible, so "hidden" is played through the page's
// Page Visibility API (document.visibilityState and the visibilitychange event, which is all the
// dashboard and TanStack Query read).
import { expect, type Page, test } from "@playwright/test";
import { api, gotoSignedIn } from "./support/auth";
import { startStack, type Stack } from "./support/stack";

const VISIBILITY = `
  let hiddenNow = false;
  Object.defineProperty(Document.prototype, "visibilityState", { configurable: true, get: () => (hiddenNow ? "hidden" : "visible") });
  Object.defineProperty(Document.prototype, "hidden", { configurable: true, get: () => hiddenNow });
  window.__setHidden = (h) => {
    hiddenNow = h;
    document.dispatchEvent(new Event("visibilitychange", { bubbles: true }));
  };
  // The stream's messages, as the tabs relay them to each other (components/ui/live-updates.tsx).
  window.__changes = 0;
  new BroadcastChannel("tickethub-live").onmessage = (e) => { if (e.data && e.data.type === "change") window.__changes++; };
`;
type Controls = { __setHidden: (hidden: boolean) => void; __changes: number };
const setHidden = (page: Page, hidden: boolean) => page.evaluate((h) => (window as unknown as Controls).__setHidden(h), hidden);
const changesHeard = (page: Page) => page.evaluate(() => (window as unknown as Controls).__changes);

test.describe("background tabs", () => {
  let stack: Stack;
  test.beforeAll(async () => {
    stack = await startStack();
  });
  test.afterAll(async () => {
    await stack?.stop();
  });

  test("a hidden tab does not refetch the list when a credential changes, and shows the change as soon as it is shown", async ({ context }) => {
    const list = (await (await api(stack.baseUrl, "/api/credentials", undefined, "operator")).json()) as {
      credentials: { id: string; kind: string; appName: string; kindLabel: string; generation: number }[];
    };
    const ticket = list.credentials.find((c) => c.kind === "jsapi_ticket" && c.generation > 0)!;
    const row = (page: Page) => page.getByRole("row", { name: `${ticket.appName} ${ticket.kindLabel}` });

    await context.addInitScript(VISIBILITY);
    const front = await context.newPage();
    await gotoSignedIn(front, `${stack.baseUrl}/`, "operator");
    const back = await context.newPage();
    await back.goto(`${stack.baseUrl}/`);
    for (const page of [front, back]) await expect(row(page)).toContainText(`generation ${ticket.generation}`, { timeout: 30_000 });
    // Live (hydrated, and it has heard from the server), not only drawn: the row is in the server's
    // HTML, and a tab still hydrating when hidden reads its list once as it mounts (ci54 caught one).
    for (const page of [front, back]) await expect(page.getByTestId("updated-ago")).toBeVisible({ timeout: 30_000 });

    await setHidden(back, true);
    const asked: string[] = [];
    back.on("request", (r) => {
      if (new URL(r.url()).pathname === "/api/credentials") asked.push(r.url());
    });
    const heardBefore = await changesHeard(back);

    const refreshed = await api(
      stack.baseUrl,
      `/api/credentials/${ticket.id}/refresh`,
      { method: "POST", body: JSON.stringify({ ifGeneration: ticket.generation }) },
      "operator",
    );
    expect(refreshed.status).toBe(200);
    const generation = ticket.generation + 1;

    // The tab in front shows it; the hidden one heard the same news, and fetched nothing.
    await expect(row(front)).toContainText(`generation ${generation}`, { timeout: 10_000 });
    await expect.poll(() => changesHeard(back), { timeout: 10_000 }).toBeGreaterThan(heardBefore);
    // A refetch on the news would have started at once; give it ample time to show up.
    await back.waitForTimeout(2_000);
    expect(asked, "list requests from the hidden tab").toEqual([]);
    await expect(row(back)).toContainText(`generation ${ticket.generation}`);

    // Shown again: it shows the new generation at once, asking for it or taking the read the tab in
    // front made after the change (components/ui/shared-reads.ts).
    const shownAt = Date.now();
    await setHidden(back, false);
    await expect(row(back)).toContainText(`generation ${generation}`, { timeout: 5_000 });
    console.log(`live-hidden: the shown tab had generation ${generation} on screen ${Date.now() - shownAt} ms after it was shown`);
  });
});
