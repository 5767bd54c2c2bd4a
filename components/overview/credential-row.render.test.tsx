// @vitest-environment happy-dom
import { NextIntlClientProvider } from "next-intl";
import { act } from "react";
import { createRoot } from "react-dom/client";
import { describe, expect, it, vi } from "vitest";
import { actEnvironment } from "@/test-support/react-act";
import en from "@/i18n/messages/en.json";
import { ClockOffset } from "@/components/ui/countdown";
import { credentialView } from "@/test-support/credential-view";
import { CredentialRow } from "./credential-row";

// The row's Refresh button stands for the row: React draws it whenever it draws the row.
const drawn = vi.hoisted(() => ({ rows: 0 }));
vi.mock("./refresh-action", () => ({
  RefreshAction: () => {
    drawn.rows++;
    return null;
  },
}));

const cleanup = actEnvironment();

const START = Date.parse("2026-12-05T12:00:00.500Z");
const at = (s: number) => new Date(START - 500 + s * 1000).toISOString();

describe("an overview row", () => {
  it("counts on a new offset to the server's clock without being drawn again (the tab's first read after its server render)", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"], now: START });
    const credential = credentialView(at); // expires in 7,100 s, next refresh in 4,000 s
    const container = document.createElement("div");
    const root = createRoot(container);
    const render = (offsetMs: number) =>
      act(async () =>
        root.render(
          <NextIntlClientProvider locale="en" messages={en} timeZone="UTC">
            <table>
              <tbody>
                <ClockOffset.Provider value={offsetMs}>
                  <CredentialRow credential={credential} health="healthy" />
                </ClockOffset.Provider>
              </tbody>
            </table>
          </NextIntlClientProvider>,
        ),
      );
    await render(0);
    cleanup.push(() => root.unmount());
    const seconds = () => Number(container.querySelector<HTMLElement>("[role=timer]")!.dataset.remainingSeconds);
    const nextRefresh = () => [...container.querySelectorAll("td div")].find((e) => e.childElementCount === 0 && e.textContent?.startsWith("in "))?.textContent;
    expect(seconds()).toBe(7099);
    expect(nextRefresh()).toBe("in 1h 06m 39s");
    const rowsBefore = drawn.rows;
    expect(rowsBefore).toBeGreaterThan(0);

    // The server's clock is 5 s ahead of this browser's, as the first read measured.
    await render(5_000);
    expect(seconds()).toBe(7094);
    expect(nextRefresh()).toBe("in 1h 06m 34s");
    expect(drawn.rows).toBe(rowsBefore);
  });
});
