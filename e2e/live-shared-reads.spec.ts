// Tabs of one browser share their reads (issue 13; components/ui/shared-reads.ts): when a change
// comes, the tabs showing the same page ask the server once between them, and every one of them
// shows the change. A tab that closes takes nothing with it: the others read for themselves.
import { type BrowserContext, expect, type Page, test } from "@playwright/test";
import { api, gotoSignedIn } from "./support/auth";
import { startStack, type Stack } from "./support/stack";

type Ticket = { id: string; kind: string; appName: string; kindLabel: string; generation: number };

// The stream's change messages, as the tabs relay them to each other (components/ui/live-updates.tsx).
const HEAR_CHANGES = `
  window.__changes = 0;
  new BroadcastChannel("tickethub-live").onmessage = (e) => { if (e.data && e.data.type === "change") window.__changes++; };
`;
const changesHeard = (page: Page) => page.evaluate(() => (window as unknown as { __changes: number }).__changes);

test.describe("tabs of one browser", () => {
  let stack: Stack;
  test.beforeAll(async () => {
    stack = await startStack();
  });
  test.afterAll(async () => {
    await stack?.stop();
  });

  const ticket = async (): Promise<Ticket> => {
    const list = (await (await api(stack.baseUrl, "/api/credentials", undefined, "operator")).json()) as { credentials: Ticket[] };
    return list.credentials.find((c) => c.kind === "jsapi_ticket" && c.generation > 0)!;
  };
  const refresh = async (t: Ticket) => {
    const res = await api(
      stack.baseUrl,
      `/api/credentials/${t.id}/refresh`,
      { method: "POST", body: JSON.stringify({ ifGeneration: t.generation }) },
      "operator",
    );
    expect(res.status).toBe(200);
    return t.generation + 1;
  };
  const row = (page: Page, t: Ticket) => page.getByRole("row", { name: `${t.appName} ${t.kindLabel}` });
  /** The overview's list requests any tab of `context` sends from now on. */
  const listRequests = (context: BrowserContext) => {
    const asked: string[] = [];
    context.on("request", (r) => {
      if (new URL(r.url()).pathname === "/api/credentials") asked.push(r.url());
    });
    return asked;
  };

  test("three tabs on the overview ask for a change once between them, and all three show it", async ({ context }) => {
    const t = await ticket();
    await context.addInitScript(HEAR_CHANGES);
    const tabs: Page[] = [];
    for (let i = 0; i < 3; i++) {
      const page = await context.newPage();
      await (i === 0 ? gotoSignedIn(page, `${stack.baseUrl}/`, "viewer") : page.goto(`${stack.baseUrl}/`));
      tabs.push(page);
    }
    for (const page of tabs) await expect(row(page, t)).toContainText(`generation ${t.generation}`, { timeout: 30_000 });
    // The first reads after load are behind us: no list request for a second (a busy machine may take
    // longer than a fixed pause to send them).
    let lastAsked = Date.now();
    context.on("request", (r) => {
      if (new URL(r.url()).pathname === "/api/credentials") lastAsked = Date.now();
    });
    await expect.poll(() => Date.now() - lastAsked, { timeout: 15_000, intervals: [200] }).toBeGreaterThan(1_000);
    const asked = listRequests(context);
    const heardBefore = await changesHeard(tabs[2]!);

    const generation = await refresh(t);
    for (const page of tabs) await expect(row(page, t)).toContainText(`generation ${generation}`, { timeout: 10_000 });
    // A tab that asked for itself would have done so at once; give it time to show up.
    await tabs[0]!.waitForTimeout(2_000);
    // The refresh is told as one change (sometimes two: its lease, then its value); each tab would
    // ask once per change for itself, the three together ask once per change.
    const changes = (await changesHeard(tabs[2]!)) - heardBefore;
    expect(changes).toBeGreaterThan(0);
    expect(asked.length, `list requests from the three tabs for ${changes} change(s)`).toBeGreaterThan(0);
    expect(asked.length, `list requests from the three tabs for ${changes} change(s)`).toBeLessThanOrEqual(changes);
  });

  test("when the tab that holds the stream and reads closes, the other tab still shows the next change", async ({ context }) => {
    const t = await ticket();
    const first = await context.newPage();
    await gotoSignedIn(first, `${stack.baseUrl}/`, "viewer");
    const second = await context.newPage();
    await second.goto(`${stack.baseUrl}/`);
    for (const page of [first, second]) await expect(row(page, t)).toContainText(`generation ${t.generation}`, { timeout: 30_000 });
    await first.close();
    const asked = listRequests(context);

    const generation = await refresh(t);
    await expect(row(second, t)).toContainText(`generation ${generation}`, { timeout: 10_000 });
    expect(asked.length).toBeGreaterThan(0);
  });
});
