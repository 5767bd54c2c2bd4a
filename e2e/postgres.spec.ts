import { expect, test } from "@playwright/test";
import { startPostgres, type PgCluster } from "../scripts/lib/postgres";
import { sandboxStats, startStack, type Stack } from "./support/stack";
import { refreshRow } from "./support/ui";
import { gotoSignedIn } from "./support/auth";

const TICKET_ROW = "WeChat demo jsapi ticket";

test.describe("the same flow on PostgreSQL (DATABASE_URL=postgresql://…)", () => {
  let cluster: PgCluster;
  let url: string;
  test.beforeAll(async () => {
    cluster = await startPostgres();
    url = await cluster.createDatabase("tickethub_e2e");
  });
  test.afterAll(() => cluster?.stop());

  test("migrates, seeds, shows a live ticket, refreshes it and keeps it across a restart", async ({ page }) => {
    let stack: Stack | undefined = await startStack({ env: { DATABASE_URL: url } });
    try {
      expect(stack.output()).toMatch(/database PostgreSQL 127\.0\.0\.1:\d+\/tickethub_e2e: applied \d+_init/);
      await gotoSignedIn(page, stack.baseUrl);
      const row = page.getByRole("row", { name: TICKET_ROW });
      await expect(row.getByRole("timer")).toBeVisible();
      const masked = row.getByLabel("masked value");
      const first = await masked.textContent();

      const before = await sandboxStats(stack.sandboxUrl);
      await refreshRow(page, TICKET_ROW);
      await expect(row.getByRole("status")).toContainText("Refreshed");
      await expect(masked).not.toHaveText(first ?? "");
      const after = await sandboxStats(stack.sandboxUrl);
      expect((after.calls["wechat /cgi-bin/ticket/getticket"] ?? 0) - (before.calls["wechat /cgi-bin/ticket/getticket"] ?? 0)).toBe(1);
      const refreshed = await masked.textContent();

      const env = stack.env;
      await stack.stop();
      stack = await startStack({ env });
      expect(stack.output()).toMatch(/up to date/);
      await gotoSignedIn(page, stack.baseUrl);
      await expect(page.getByRole("row", { name: TICKET_ROW }).getByLabel("masked value")).toHaveText(refreshed ?? "");
      await page.waitForTimeout(2_000);
      expect((await sandboxStats(stack.sandboxUrl)).calls).toEqual({});
    } finally {
      await stack?.stop();
    }
  });
});
