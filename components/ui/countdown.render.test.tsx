// @vitest-environment happy-dom
import { NextIntlClientProvider } from "next-intl";
import { act, Profiler } from "react";
import { createRoot, hydrateRoot } from "react-dom/client";
import { renderToString } from "react-dom/server";
import { describe, expect, it, vi } from "vitest";
import { actEnvironment } from "@/test-support/react-act";
import en from "@/i18n/messages/en.json";
import { NextRefresh, PreviousValidity } from "@/components/overview/credential-row";
import { Countdown, FirstPaintClockProvider } from "./countdown";
import { heardFromServer, STALE_AFTER_MS, watchFreshness } from "./freshness";

const cleanup = actEnvironment();

const START = Date.parse("2026-12-05T12:00:00.500Z");
/** Moves the page's clock: its once-a-second ticker fires as it would. */
const pass = (ms: number) => act(async () => void vi.advanceTimersByTime(ms));

/** A countdown to `expiresAt` (lifetime 100 s), counting the times React drew it (Profiler commits). */
function tree(expiresAt: string, count: () => void, renderedAt = 0) {
  return (
    <NextIntlClientProvider locale="en" messages={en} timeZone="UTC">
      <FirstPaintClockProvider renderedAt={renderedAt}>
        <Profiler id="countdown" onRender={count}>
          <Countdown expiresAt={expiresAt} lifetime={100} clockOffsetMs={0} />
        </Profiler>
      </FirstPaintClockProvider>
    </NextIntlClientProvider>
  );
}

/** What a user and a screen reader get of the countdown in `container`. */
function read(container: HTMLElement) {
  const timer = container.querySelector<HTMLElement>("[role=timer]")!;
  const bar = container.querySelector<HTMLElement>("[aria-hidden] > div")!;
  return {
    text: timer.textContent,
    label: timer.getAttribute("aria-label"),
    seconds: timer.dataset.remainingSeconds,
    bar: bar.style.transform,
    tone: bar.className.match(/bg-\w+-\d+/)?.[0],
  };
}

describe("a countdown on an idle page", () => {
  it("counts every second without React drawing it; React draws it only when its colour or state changes", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"], now: START });
    const expiresAt = new Date(START - 500 + 15_000).toISOString(); // 14.5 s left: 14 s shown
    let drawn = 0;
    const container = document.createElement("div");
    const root = createRoot(container);
    await act(async () => root.render(tree(expiresAt, () => drawn++)));
    cleanup.push(() => root.unmount());
    expect(read(container)).toEqual({ text: "14s", label: "expires in 14 seconds", seconds: "14", bar: "scaleX(0.14)", tone: "bg-emerald-500" });
    const before = drawn;

    // Four ticks: text, label, seconds and bar move each second; React drew it four times before.
    const seen = [];
    for (let i = 0; i < 4; i++) {
      await pass(1_000);
      seen.push(read(container));
    }
    expect(seen.map((s) => [s.text, s.label, s.seconds, s.bar])).toEqual([
      ["13s", "expires in 13 seconds", "13", "scaleX(0.13)"],
      ["12s", "expires in 12 seconds", "12", "scaleX(0.12)"],
      ["11s", "expires in 11 seconds", "11", "scaleX(0.11)"],
      ["10s", "expires in 10 seconds", "10", "scaleX(0.1)"],
    ]);
    expect(drawn).toBe(before);

    // Under a tenth of its life left: amber, drawn once for it.
    await pass(1_000);
    expect(read(container)).toMatchObject({ text: "9s", tone: "bg-amber-500" });
    expect(drawn).toBe(before + 1);

    // Expired: red, and says so (drawn once more), then stays still.
    await pass(9_000);
    expect(read(container)).toMatchObject({ text: "expired", label: "expired", seconds: "0", tone: "bg-red-500" });
    expect(drawn).toBe(before + 2);
    await pass(3_000);
    expect(read(container)).toMatchObject({ text: "expired", seconds: "-3" });
  });

  it("starts afresh on a new value, though React's last text for the old one reads the same", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"], now: START });
    const container = document.createElement("div");
    const root = createRoot(container);
    const first = new Date(START - 500 + 20_000).toISOString();
    await act(async () => root.render(tree(first, () => {})));
    cleanup.push(() => root.unmount());
    expect(read(container).text).toBe("19s");
    await pass(5_000);
    expect(read(container).text).toBe("14s");
    // A refresh brings a value that has 19 s left, the text React drew last: the screen shows 19 s, not 14.
    await act(async () => root.render(tree(new Date(START - 500 + 5_000 + 20_000).toISOString(), () => {})));
    expect(read(container)).toMatchObject({ text: "19s", seconds: "19", label: "expires in 19 seconds" });
    await pass(1_000);
    expect(read(container).text).toBe("18s");
  });

  it("hydrates the server's text, then counts on the browser's clock", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"], now: START });
    const expiresAt = new Date(START - 500 + 60_000).toISOString();
    // The server rendered it 2 s before the page hydrates: 61.5 s left then.
    const renderedAt = START - 2_000;
    const html = renderToString(tree(expiresAt, () => {}, renderedAt));
    const container = document.createElement("div");
    container.innerHTML = html;
    expect(read(container).text).toBe("1m 01s");
    const errors: unknown[] = [];
    await act(async () => {
      const root = hydrateRoot(
        container,
        tree(expiresAt, () => {}, renderedAt),
        { onRecoverableError: (e) => errors.push(e) },
      );
      cleanup.push(() => root.unmount());
    });
    expect(errors).toEqual([]);
    expect(read(container)).toMatchObject({ text: "59s", seconds: "59" });
    await pass(1_000);
    expect(read(container)).toMatchObject({ text: "58s", seconds: "58" });
  });
});

describe("the overview's next refresh and previous value", () => {
  /** `NextRefresh` and `PreviousValidity` to moments `next` and `until` s from START (.5 s past the second). */
  async function mountTimes(next: number, until: number) {
    const drawn = { next: 0, previous: 0 };
    const container = document.createElement("div");
    const root = createRoot(container);
    const at = (s: number) => new Date(START - 500 + s * 1000).toISOString();
    await act(async () =>
      root.render(
        <NextIntlClientProvider locale="en" messages={en} timeZone="UTC">
          <Profiler id="next" onRender={() => drawn.next++}>
            <NextRefresh at={at(next)} reason={null} fallback={null} clockOffsetMs={0} />
          </Profiler>
          <Profiler id="previous" onRender={() => drawn.previous++}>
            <PreviousValidity until={at(until)} clockOffsetMs={0} />
          </Profiler>
        </NextIntlClientProvider>,
      ),
    );
    cleanup.push(() => root.unmount());
    const next$ = () => container.querySelector<HTMLElement>(".tabular-nums")!;
    const previous$ = () => container.querySelector<HTMLElement>("span");
    return {
      drawn,
      next: () => next$().textContent,
      previous: () => previous$()?.textContent ?? null,
      stale: () => ({ next: next$().dataset.stale ?? null, previous: previous$()?.dataset.stale ?? null }),
    };
  }

  it("count without React drawing them, and say when the moment has come", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"], now: START });
    const page = await mountTimes(3, 2);
    expect([page.next(), page.previous()]).toEqual(["in 2s", "still valid 1s"]);
    const before = { ...page.drawn };
    await pass(1_000);
    expect([page.next(), page.previous()]).toEqual(["in 1s", "no longer valid"]);
    // The previous value's end is a change of state: drawn once; the next refresh only counted.
    expect(page.drawn).toEqual({ next: before.next, previous: before.previous + 1 });
    await pass(1_000);
    expect(page.next()).toBe("due now");
    expect(page.drawn).toEqual({ next: before.next + 1, previous: before.previous + 1 });
  });

  it("turn grey when the server goes quiet and keep counting", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"], now: START });
    const stop = watchFreshness();
    cleanup.push(stop);
    heardFromServer();
    const page = await mountTimes(60, 120);
    expect(page.stale()).toEqual({ next: null, previous: null });
    expect(page.next()).toBe("in 59s");
    await pass(STALE_AFTER_MS);
    expect(page.stale()).toEqual({ next: "true", previous: "true" });
    expect([page.next(), page.previous()]).toEqual(["in 55s", "still valid 1m 55s"]);
    await pass(1_000);
    expect(page.next()).toBe("in 54s");
    await act(async () => heardFromServer());
    expect(page.stale()).toEqual({ next: null, previous: null });
    expect(page.next()).toBe("in 54s");
  });
});
