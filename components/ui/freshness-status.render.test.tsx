// @vitest-environment happy-dom
import { NextIntlClientProvider } from "next-intl";
import { act, Profiler } from "react";
import { createRoot } from "react-dom/client";
import { describe, expect, it, vi } from "vitest";
import { actEnvironment } from "@/test-support/react-act";
import en from "@/i18n/messages/en.json";
import { heardFromServer, STALE_AFTER_MS, watchFreshness } from "./freshness";
import { StaleBanner, UpdatedAgo } from "./freshness-status";

const cleanup = actEnvironment();

/** The header's freshness and the banner, each counting the times React drew it (Profiler commits). */
async function mountHeader() {
  const drawn = { header: 0, banner: 0 };
  const container = document.createElement("div");
  const root = createRoot(container);
  await act(async () =>
    root.render(
      <NextIntlClientProvider locale="en" messages={en} timeZone="UTC">
        <Profiler id="header" onRender={() => drawn.header++}>
          <UpdatedAgo />
        </Profiler>
        <Profiler id="banner" onRender={() => drawn.banner++}>
          <StaleBanner />
        </Profiler>
      </NextIntlClientProvider>,
    ),
  );
  cleanup.push(() => root.unmount());
  const header = () => container.querySelector<HTMLElement>("[data-testid=updated-ago]");
  return {
    drawn,
    /** The header's words (null while it only keeps its place, unseen). */
    words: () => header()?.textContent ?? null,
    title: () => header()?.title ?? "",
    banner: () => container.querySelector("[role=status]")?.textContent ?? "",
  };
}

/** HH:MM:SS on the browser's clock, as the header writes it. */
const clock = (ms: number) => {
  const d = new Date(ms);
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, "0")).join(":");
};

/** Moves the page's clock: its once-a-second ticker and the freshness timer fire as they would. */
const pass = (ms: number) => act(async () => void vi.advanceTimersByTime(ms));

describe("the header's freshness on an idle page", () => {
  it("is not drawn again at each ping and tick while it says just now; it counts once the server is late", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"], now: Date.parse("2026-12-05T12:00:00.400Z") });
    const stop = watchFreshness();
    cleanup.push(stop);
    heardFromServer();
    const page = await mountHeader();
    await pass(1_000);
    expect(page.words()).toBe("Updated just now");
    const before = { ...page.drawn };
    // Ten seconds of a healthy stream: a ping every 2 s, a tick every second.
    for (let i = 0; i < 5; i++) {
      await pass(1_000);
      await act(async () => heardFromServer());
      await pass(1_000);
    }
    expect(page.words()).toBe("Updated just now");
    expect(page.title()).toBe("");
    // 10 ticks and 5 pings: the old header was drawn 15 times, the banner 5.
    expect(page.drawn).toEqual(before);

    // The server goes quiet (its last answer at 12:00:10.400): the header counts from 3 s, with the
    // last answer's time in its title; the banner appears STALE_AFTER_MS after that answer, with it.
    await pass(2_000);
    expect(page.words()).toBe("Updated just now");
    // 12:00:14.100: the ticker ticked at 14.005 (just past the second), 3.6 s after that answer.
    await pass(700);
    expect(page.words()).toBe("Updated 3 s ago");
    expect(page.title()).toBe(`Last answer from the server: ${clock(Date.parse("2026-12-05T12:00:10.400Z"))}`);
    expect(page.banner()).toBe("");
    await pass(STALE_AFTER_MS);
    expect(page.words()).toBe("Updated 7 s ago");
    expect(page.banner()).toContain(`The server has not answered since ${clock(Date.parse("2026-12-05T12:00:10.400Z"))}.`);

    // It answers again: just now, and the banner goes.
    await act(async () => heardFromServer());
    expect(page.words()).toBe("Updated just now");
    expect(page.banner()).toBe("");
  });
});
