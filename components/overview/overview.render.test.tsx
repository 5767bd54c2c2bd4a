// @vitest-environment happy-dom
import { replaceEqualDeep } from "@tanstack/react-query";
import { NextIntlClientProvider } from "next-intl";
import { act } from "react";
import { createRoot } from "react-dom/client";
import { describe, expect, it, vi } from "vitest";
import en from "@/i18n/messages/en.json";
import { HEALTHS, type Health } from "@/lib/health";
import type { OverviewData } from "@/lib/overview-view";
import { credentialView } from "@/test-support/credential-view";
import { actEnvironment } from "@/test-support/react-act";
import { Overview } from "./overview";

// What surrounds the rows, each part counting how often React draws it.
const drawn = vi.hoisted(() => ({ strip: 0, banner: 0, filters: 0, pages: 0 }));
vi.mock("./attention-strip", () => ({
  AttentionStrip: () => {
    drawn.strip++;
    return null;
  },
}));
vi.mock("./alerts-banner", () => ({
  AlertsBanner: () => {
    drawn.banner++;
    return null;
  },
}));
vi.mock("./overview-filters", () => ({
  OverviewFilters: () => {
    drawn.filters++;
    return null;
  },
}));
vi.mock("./pagination", () => ({
  Pagination: () => {
    drawn.pages++;
    return null;
  },
}));
vi.mock("./credential-row", () => ({ CredentialRow: () => null }));
vi.mock("next/navigation", () => ({ useSearchParams: () => new URLSearchParams() }));
// The page's query: its data is what the test says the last answer was.
const query = vi.hoisted(() => ({ data: undefined as unknown }));
vi.mock("./api/get-overview", () => ({
  useOverview: () => ({ data: query.data, error: null, isPending: false, refetch: () => {} }),
}));

const cleanup = actEnvironment();

const START = Date.parse("2026-12-05T12:00:00.500Z");
const at = (s: number) => new Date(START - 500 + s * 1000).toISOString();

/** An answer as the server sends it: 60 credentials, this page's three, one of them needing attention. */
function answer(serverTime: string, over: { generation?: number; expiring?: number } = {}): OverviewData {
  const totals = Object.fromEntries(HEALTHS.map((h) => [h, 0])) as Record<Health, number>;
  totals.healthy = 59 - (over.expiring ?? 0);
  totals.expiring = over.expiring ?? 0;
  totals.failing = 1;
  const failing = credentialView(at, { id: "c0", lastError: { message: "errcode 40001", class: "auth", at: at(-10) }, consecutiveFailures: 3 });
  return {
    serverTime,
    credentials: [failing, credentialView(at, { id: "c1", generation: over.generation ?? 1 }), credentialView(at, { id: "c2" })],
    attention: [failing],
    totals,
    vendors: [{ vendor: "wechat", label: "WeChat" }],
    page: { number: 1, size: 3, matching: 60, pages: 20 },
    validUntil: null,
    etag: `"${serverTime}"`,
    clockOffsetMs: 0,
  };
}

describe("the overview", () => {
  it("draws only the rows again for a new value in one of them, not the strip, alerts, filters or pages around them", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval", "Date"], now: START });
    const container = document.createElement("div");
    const root = createRoot(container);
    // A new answer as the query holds it: TanStack Query keeps the objects of what did not change.
    const take = (next: OverviewData) =>
      act(async () => {
        query.data = replaceEqualDeep(query.data, next);
        root.render(
          <NextIntlClientProvider locale="en" messages={en} timeZone="UTC">
            <Overview />
          </NextIntlClientProvider>,
        );
      });
    await take(answer(at(0)));
    cleanup.push(() => root.unmount());
    expect(container.querySelector("h1")?.textContent).toBe("Credentials");
    const before = { ...drawn };
    expect(before).toEqual({ strip: expect.any(Number), banner: expect.any(Number), filters: expect.any(Number), pages: expect.any(Number) });
    for (const n of Object.values(before)) expect(n).toBeGreaterThan(0);

    // A refresh elsewhere: a new generation in row c1, a new answer (the server's time moves on).
    await take(answer(at(5), { generation: 2 }));
    expect(drawn).toEqual(before);

    // What the strip shows changes (one credential of the 60 now expiring): the strip alone is drawn again.
    await take(answer(at(10), { generation: 2, expiring: 1 }));
    expect(drawn.strip).toBe(before.strip + 1);
    expect(drawn.filters).toBe(before.filters);
    expect(drawn.banner).toBe(before.banner);
    expect(drawn.pages).toBe(before.pages);
  });
});
