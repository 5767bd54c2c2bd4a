import { expect, test } from "@playwright/test";
import { maskValue } from "../lib/mask";
import { api, gotoSignedIn } from "./support/auth";
import { startStack, type Stack } from "./support/stack";

// A revealed value on the credential page is the generation the page names, or nothing: a refresh
// by someone else (learnt through the live stream) hides it, Copy copies what is on screen, and a
// revealed value hides itself after 30 s (the page's clock is Playwright's, moved by hand).

test.describe("revealed values", () => {
  let stack: Stack;
  test.beforeAll(async () => {
    stack = await startStack();
  });
  test.afterAll(async () => {
    await stack?.stop();
  });

  test("a revealed value hides when a refresh replaces it and after 30 s; Copy copies the value on screen", async ({ page, context }) => {
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: stack.baseUrl });
    const list = await (await api(stack.baseUrl, "/api/credentials")).json();
    const ticket = list.credentials.find((c: { vendor: string; kind: string }) => c.vendor === "wechat" && c.kind === "jsapi_ticket");
    await page.clock.install();
    await gotoSignedIn(page, `${stack.baseUrl}/credentials/${ticket.id}`, "operator");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("WeChat demo · jsapi ticket");
    const value = page.getByLabel("current value value");
    const reveal = page.getByRole("button", { name: "Reveal current value" });
    await expect(value).toHaveText(/••••••/);
    await expect(page.getByRole("table", { name: /Every version/ }).getByRole("row")).not.toHaveCount(1); // the version ids arrived
    await reveal.click();
    await expect(value).not.toHaveText(/••••••/);
    const first = (await value.textContent())!;
    const before = (await (await api(stack.baseUrl, "/api/credentials")).json()).credentials.find((c: { id: string }) => c.id === ticket.id);
    expect(maskValue(first)).toBe(before.current.maskedValue);
    await expect(page.getByText(new RegExp(`^generation ${before.generation} · hides in (30|29|28) s$`))).toBeVisible();

    // Someone else refreshes: the page hears of it through its change stream and hides generation 1.
    const res = await api(stack.baseUrl, `/api/credentials/${ticket.id}/refresh`, { method: "POST", body: "{}" });
    expect(res.status).toBe(200);
    const after = (await res.json()).credential;
    expect(after.generation).toBe(before.generation + 1);
    await expect(page.locator("article header")).toContainText(`generation ${after.generation}`);
    await expect(value).toHaveText(after.current.maskedValue);
    await expect(page.getByText(`Hidden: a refresh replaced generation ${before.generation}.`)).toBeVisible();

    // Copy copies the generation the page shows.
    await page.getByRole("button", { name: "Copy current value" }).click();
    await expect(page.getByText("Copied to the clipboard")).toBeVisible();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied).not.toBe(first);
    expect(maskValue(copied)).toBe(after.current.maskedValue);

    // Reveal again is one click; 30 s later the value masks itself.
    await reveal.click();
    await expect(value).toHaveText(copied);
    await page.clock.fastForward(25_000);
    await expect(page.getByText(/hides in [3-5] s/)).toBeVisible();
    await page.clock.fastForward(6_000);
    await expect(value).toHaveText(after.current.maskedValue);
    await expect(page.getByText("Hidden after 30 s. Reveal shows it again.")).toBeVisible();
    await expect(page.getByRole("button", { name: "Reveal current value" })).toBeEnabled();

    const audit = await (await api(stack.baseUrl, `/api/audit?target=${ticket.id}`)).json();
    const mine = audit.events.filter((e: { actor: string }) => e.actor === "operator").map((e: { action: string }) => e.action);
    expect(mine.filter((a: string) => a === "credential.reveal")).toHaveLength(2);
    expect(mine.filter((a: string) => a === "credential.copy")).toHaveLength(1);
  });
});
