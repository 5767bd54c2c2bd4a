import { expect, type Page } from "@playwright/test";

/** Clicks a row's Refresh button and confirms in the dialog that follows. */
export async function refreshRow(page: Page, rowName: string): Promise<void> {
  await page.getByRole("row", { name: rowName, exact: true }).getByRole("button", { name: `Refresh ${rowName}` }).click();
  const dialog = page.getByRole("dialog", { name: `Refresh ${rowName}?` });
  await expect(dialog).toBeVisible();
  await dialog.getByRole("button", { name: /Refresh now|Join the running refresh/ }).click();
  await expect(dialog).toBeHidden();
}
