import { expect, test } from "@playwright/test";
import { skewBrowserClock } from "./support/browser-clock";
import { sandboxStats, startStack, type Stack } from "./support/stack";
import { api, authedRequest, gotoSignedIn } from "./support/auth";

test.describe("NONCE desk", () => {
  let stack: Stack;
  test.beforeAll(async () => {
    stack = await startStack();
  });
  test.afterAll(async () => {
    await stack?.stop();
  });

  const nonceCalls = async () => (await sandboxStats(stack.sandboxUrl)).calls["faceid /api/oauth2/api_ticket"] ?? 0;
  const checkAtVendor = async (value: string) =>
    (await (await fetch(`${stack.sandboxUrl}/__sandbox/valid`, { method: "POST", body: JSON.stringify({ vendor: "faceid", value }) })).json()) as {
      valid: boolean;
      kind: string | null;
    };

  test("QA validates a user_id as they type, issues two different tickets, copies one and marks it used", async ({ page, context }) => {
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: stack.baseUrl });
    await gotoSignedIn(page, stack.baseUrl);
    // The nav link is where the server's HTML put it: the first click, even mid-hydration, lands.
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "NONCE desk" }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("NONCE desk");
    await expect(page.getByText("No NONCE tickets issued yet.")).toBeVisible();
    await expect(page.getByLabel("FaceID app")).toHaveValue(/.+/);
    await expect(page.getByLabel("FaceID app").locator("option:checked")).toHaveText("FaceID demo (IDAdemo1)");

    const userId = page.getByLabel("user_id");
    const issue = page.getByRole("button", { name: "Issue" });
    await userId.fill("qa user!");
    await expect(page.getByText("user_id may only contain letters, digits, _ and -")).toBeVisible();
    await expect(userId).toHaveAttribute("aria-invalid", "true");
    await userId.fill("a".repeat(31));
    await expect(page.getByText("user_id must be at most 30 characters")).toBeVisible();
    await expect(page.getByLabel("characters used")).toHaveText("31/30");
    await expect(issue).toBeDisabled();
    const before = await nonceCalls();

    await userId.fill("qa-user_1");
    await expect(userId).not.toHaveAttribute("aria-invalid", "true");
    await issue.click();
    const card = page.getByRole("region", { name: "Issued NONCE ticket", exact: true });
    const value = card.getByLabel("NONCE ticket value");
    await expect(value).toHaveText(/\S{16,}/);
    const first = (await value.textContent())!;
    expect(await checkAtVendor(first)).toMatchObject({ valid: true, kind: "nonce_ticket" });
    const left = Number(await card.getByRole("timer").getAttribute("data-remaining-seconds"));
    expect(left).toBeGreaterThan(110);
    expect(left).toBeLessThanOrEqual(120);
    await card.getByRole("button", { name: "Copy" }).click();
    await expect(card.getByText("Copied to the clipboard")).toBeVisible();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(first);

    // The same user_id again: a different ticket, never a cached one.
    await issue.click();
    await expect(value).not.toHaveText(first);
    const second = (await value.textContent())!;
    expect(await checkAtVendor(second)).toMatchObject({ valid: true });
    expect(await nonceCalls()).toBe(before + 2);

    const rows = page.getByRole("table", { name: /Recently issued NONCE tickets/ }).getByRole("row", { name: /NONCE for qa-user_1/ });
    await expect(rows).toHaveCount(2);
    await expect(rows.first()).toContainText("admin");
    await expect(rows.first()).toContainText(/1m 5\ds|2m 00s/);
    await expect(page.getByRole("table", { name: /Recently issued/ })).not.toContainText(first);

    // Each row says when its ticket expires.
    const listed = (await (await api(stack.baseUrl, "/api/nonce?limit=2")).json()).nonces as { expiresAt: string; userId: string }[];
    await expect(rows.first().locator(`time[datetime="${listed[0]!.expiresAt}"]`)).toBeVisible();
    await expect(rows.nth(1).locator(`time[datetime="${listed[1]!.expiresAt}"]`)).toBeVisible();

    // Marked used: the countdown stops and nothing more can be done with it, on the card and in its row.
    await card.getByRole("button", { name: "Mark used" }).click();
    await expect(card.getByText(/^used at \d{1,2}:\d{2}:\d{2}/)).toBeVisible();
    await expect(card.getByRole("timer")).toHaveCount(0);
    await expect(card.getByRole("button", { name: "Copy" })).toBeDisabled();
    await expect(card.getByRole("button", { name: "Mark used" })).toBeDisabled();
    await expect(rows.first()).toContainText(/used at \d{1,2}:\d{2}:\d{2}/);
    await expect(rows.first().getByRole("button", { name: "Mark the NONCE for qa-user_1 used" })).toHaveCount(0);
    await expect(rows.nth(1).getByRole("button", { name: "Mark the NONCE for qa-user_1 used" })).toBeVisible();
    await page.screenshot({ path: "e2e/screenshots/nonce-1280.png", fullPage: true });
    // On a phone the list is cards: nothing makes the page wider than the screen.
    await page.setViewportSize({ width: 390, height: 844 });
    await expect(rows.first()).toBeVisible();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    const box = await rows.nth(1).getByRole("button", { name: "Mark the NONCE for qa-user_1 used" }).boundingBox();
    expect(box!.x + box!.width).toBeLessThanOrEqual(390);
    await page.screenshot({ path: "e2e/screenshots/nonce-390.png", fullPage: true });

    const audit = await (await api(stack.baseUrl, `/api/audit?limit=20`)).json();
    const actions = audit.events.map((e: { action: string }) => e.action);
    expect(actions.filter((a: string) => a === "nonce.issue")).toHaveLength(2);
    expect(actions).toContain("nonce.mark-used");
    expect(JSON.stringify(audit)).not.toContain(first);
  });

  test("a ticket listed in the page's HTML counts down on the server's clock with the browser's 5 minutes slow and the list API unreachable", async ({
    page,
  }) => {
    const request = await authedRequest(stack.baseUrl);
    const list = await (await request.get(`${stack.baseUrl}/api/credentials`)).json();
    const appRef = list.credentials.find((c: { vendor: string }) => c.vendor === "faceid").appRef;
    expect((await request.post(`${stack.baseUrl}/api/nonce`, { data: { appRef, userId: "skew-probe" } })).status()).toBe(201);
    // A browser whose system clock is 5 minutes slow: every Date reads skewed; timers run normally.
    await skewBrowserClock(page, -5 * 60_000);
    // The list as the HTML brought it is all the page has: its own reads of it fail.
    await page.route(
      (url) => url.pathname === "/api/nonce",
      (route) => (route.request().method() === "GET" ? route.abort() : route.continue()),
    );
    await gotoSignedIn(page, `${stack.baseUrl}/nonce`);
    const state = page.getByRole("row", { name: /NONCE for skew-probe issued/ }).getByText(/ left$/);
    await expect(state).toBeVisible();
    const seconds = async () => {
      const [, m, sec] = (await state.textContent())!.match(/^(?:(\d+)m )?(\d+)s left$/)!;
      return Number(m ?? 0) * 60 + Number(sec);
    };
    // Once the page ticks (a second or so after hydration), the time left is read on the browser's
    // clock plus the offset measured from the page's own request: at most a FaceID NONCE's 120 s,
    // not the 5 minutes more the browser's clock alone would give.
    const first = await seconds();
    await expect.poll(seconds, { timeout: 15_000 }).not.toBe(first);
    expect(await seconds()).toBeLessThanOrEqual(120);
    expect(await seconds()).toBeGreaterThan(0);
  });

  test("bad input to the NONCE API gets a 400 naming the field, with no vendor call and nothing stored", async () => {
    const request = await authedRequest(stack.baseUrl);
    const list = await (await request.get(`${stack.baseUrl}/api/credentials`)).json();
    const appRef = list.credentials.find((c: { vendor: string }) => c.vendor === "faceid").appRef;
    const count = async () => (await (await request.get(`${stack.baseUrl}/api/nonce?limit=200`)).json()).nonces.length;
    const stored = await count();
    const calls = await nonceCalls();
    const cases: [unknown, string][] = [
      [{ appRef, userId: "x".repeat(31) }, "userId: user_id must be at most 30 characters"],
      [{ appRef, userId: "a/b" }, "userId: user_id may only contain letters, digits, _ and -"],
      [{ appRef, userId: "" }, "userId: user_id is required"],
      [{ appRef }, "userId: user_id is required"],
      [{ appRef, userId: 42 }, "userId: user_id must be a string"],
      [{ appRef: "no such app!", userId: "ok" }, "appRef: must be an app id (letters and digits)"],
      [{ appRef, userId: "ok", extra: 1 }, "extra: unknown field (allowed: appRef, userId)"],
    ];
    for (const [data, detail] of cases) {
      const res = await request.post(`${stack.baseUrl}/api/nonce`, { data: data as object });
      expect(res.status(), JSON.stringify(data)).toBe(400);
      expect((await res.json()).detail).toBe(detail);
    }
    const wechatApp = list.credentials.find((c: { vendor: string }) => c.vendor === "wechat").appRef;
    expect((await request.post(`${stack.baseUrl}/api/nonce`, { data: { appRef: wechatApp, userId: "ok" } })).status()).toBe(404);
    expect((await request.post(`${stack.baseUrl}/api/nonce/unknown1/used`)).status()).toBe(404);
    expect(await count()).toBe(stored);
    expect(await nonceCalls()).toBe(calls);
  });
});

test.describe("NONCE expiry on the server", () => {
  // 10× time: a NONCE's 120 s pass in 12 real seconds.
  const SCALE = 10;
  let stack: Stack;
  test.beforeAll(async () => {
    stack = await startStack({ env: { TICKETHUB_TIME_SCALE: String(SCALE) } });
  });
  test.afterAll(async () => {
    await stack?.stop();
  });

  test("an expired NONCE cannot be marked used (409 naming when it expired) and stays unused; a live one can", async () => {
    const request = await authedRequest(stack.baseUrl, "operator");
    const list = await (await api(stack.baseUrl, "/api/credentials")).json();
    const appRef = list.credentials.find((c: { vendor: string }) => c.vendor === "faceid").appRef;
    const issue = async () => {
      const res = await request.post(`${stack.baseUrl}/api/nonce`, { data: { appRef, userId: "qa-expiry" } });
      expect(res.status()).toBe(201);
      return (await res.json()) as { id: string; expiresAt: string; serverTime: string };
    };
    const live = await issue();
    expect((await request.post(`${stack.baseUrl}/api/nonce/${live.id}/used`)).status()).toBe(200);

    const late = await issue();
    // Wait out its life in real time (simulated remaining / scale) plus a second, then try.
    const realLeftMs = (Date.parse(late.expiresAt) - Date.parse(late.serverTime)) / SCALE;
    await new Promise((r) => setTimeout(r, realLeftMs + 1_000));
    const refused = await request.post(`${stack.baseUrl}/api/nonce/${late.id}/used`);
    expect(refused.status()).toBe(409);
    const problem = await refused.json();
    expect(problem.title).toBe("NONCE ticket expired");
    expect(problem.detail).toContain(`it expired at ${late.expiresAt}`);
    const after = (await (await request.get(`${stack.baseUrl}/api/nonce`)).json()) as { nonces: { id: string; usedAt: string | null }[] };
    expect(after.nonces.find((n) => n.id === late.id)?.usedAt).toBeNull();
    expect(after.nonces.find((n) => n.id === live.id)?.usedAt).not.toBeNull();
  });

  test("the desk shows an expired ticket as expired: no Copy, no Mark used, in its card and its row", async ({ page }) => {
    await gotoSignedIn(page, `${stack.baseUrl}/nonce`, "operator");
    await page.getByLabel("user_id").fill("qa-too-late");
    await page.getByRole("button", { name: "Issue" }).click();
    const card = page.getByRole("region", { name: "Issued NONCE ticket", exact: true });
    await expect(card.getByRole("timer")).toBeVisible();
    const issued = (await (await api(stack.baseUrl, "/api/nonce?limit=1")).json()) as { serverTime: string; nonces: { userId: string; expiresAt: string }[] };
    expect(issued.nonces[0]!.userId).toBe("qa-too-late");
    await page.waitForTimeout((Date.parse(issued.nonces[0]!.expiresAt) - Date.parse(issued.serverTime)) / SCALE + 1_000);
    // The page's own clock may not know yet (its offset to the 10× server clock is older than the
    // ticket's end): then Mark used is offered, and the server's 409 says it expired.
    const markUsed = card.getByRole("button", { name: "Mark used" });
    const clicked = await markUsed.click({ timeout: 3_000 }).then(
      () => true,
      () => false,
    );
    if (clicked) await expect(card.getByRole("status")).toContainText("cannot be marked used");
    await expect(card.getByText(/^expired at \d{1,2}:\d{2}:\d{2}/)).toBeVisible();
    await expect(card.getByRole("button", { name: "Copy" })).toBeDisabled();
    await expect(markUsed).toBeDisabled();
    const row = page.getByRole("row", { name: /NONCE for qa-too-late/ });
    await expect(row).toContainText(/expired at \d{1,2}:\d{2}:\d{2}/);
    await expect(row.getByRole("button")).toHaveCount(0);
    const after = (await (await api(stack.baseUrl, "/api/nonce?limit=1")).json()) as { nonces: { usedAt: string | null }[] };
    expect(after.nonces[0]!.usedAt).toBeNull();
  });
});
