import { expect, type Page } from "@playwright/test";

/** Clicks a row's Refresh button and confirms in the dialog that follows. */
export async function refreshRow(page: Page, rowName: string): Promise<void> {
  await page
    .getByRole("row", { name: rowName, exact: true })
    .getByRole("button", { name: `Refresh ${rowName}` })
    .click();
  await confirmRefresh(page, rowName);
}

/** Clicks the Refresh button of a credential's detail page and confirms. */
export async function refreshDetail(page: Page, label: string): Promise<void> {
  await page.getByRole("button", { name: `Refresh ${label}` }).click();
  await confirmRefresh(page, label);
}

async function confirmRefresh(page: Page, rowName: string): Promise<void> {
  const dialog = page.getByRole("dialog", { name: `Refresh ${rowName}?` });
  await expect(dialog).toBeVisible();
  await dialog.getByRole("button", { name: /Refresh now|Join the running refresh/ }).click();
  await expect(dialog).toBeHidden();
}
