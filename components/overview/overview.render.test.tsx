// @vitest-environment happy-dom
import { NextIntlClientProvider } from "next-intl";
import { act } from "react";
import { createRoot } from "react-dom/client";
import { describe, expect, it, vi } from "vitest";
import en from "@/i18n/messages/en.json";
import type { CredentialView } from "@/lib/credential-view";
import { HEALTHS, type Health } from "@/lib/health";
import type { OverviewData } from "@/lib/overview-view";
import { shareById } from "@/lib/share-by-id";
import { credentialView } from "@/test-support/credential-view";
import { actEnvironment } from "@/test-support/react-act";
import { Overview } from "./overview";

// What surrounds the rows, each part counting how often React draws it (the strip with the health
// it was given for each credential), and the rows drawn.
const drawn = vi.hoisted(() => ({ strip: 0, banner: 0, filters: 0, pages: 0, rows: [] as string[], stripHealths: "" }));
vi.mock("./attention-strip", async (original) => ({
  ...(await original<typeof import("./attention-strip")>()),
  AttentionStrip: ({ rows }: { rows: { c: CredentialView; health: Health }[] }) => {
    drawn.strip++;
    drawn.stripHealths = rows.map((r) => r.health).join(" ");
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
vi.mock("./credential-row", () => ({
  CredentialRow: ({ credential }: { credential: CredentialView }) => {
    drawn.rows.push(credential.id);
    return null;
  },
}));
vi.mock("next/navigation", () => ({ useSearchParams: () => new URLSearchParams() }));
// The page's query: its data is what the test says the last answer was.
const query = vi.hoisted(() => ({ data: undefined as unknown }));
vi.mock("./api/get-overview", () => ({
  useOverview: () => ({ data: query.data, error: null, isPending: false, refetch: () => {} }),
}));

const cleanup = actEnvironment();

const START = Date.parse("2026-12-05T12:00:00.500Z");
const at = (s: number) => new Date(START - 500 + s * 1000).toISOString();

/**
 * An answer as the server sends it: 60 credentials, this page's three; two need attention: c0 fails
 * its refreshes (`failures` so far), c2's value expires 20 s from the test's start.
 */
function answer(serverTime: string, over: { generation?: number; failures?: number; expiring?: number } = {}): OverviewData {
  const totals = Object.fromEntries(HEALTHS.map((h) => [h, 0])) as Record<Health, number>;
  totals.healthy = 58 - (over.expiring ?? 0);
  totals.expiring = 1 + (over.expiring ?? 0);
  totals.failing = 1;
  const failures = over.failures ?? 3;
  const failing = credentialView(at, {
    id: "c0",
    impact: { state: "broken", atRisk: true, breaksAt: at(-5), refreshPossibleAt: at(0), blockedBy: null, attention: 0 },
    lastError: { message: `errcode 40001 (attempt ${failures})`, class: "auth", at: at(-1) },
    consecutiveFailures: failures,
  });
  const soon = credentialView(at, {
    id: "c2",
    current: { maskedValue: "efgh••••••stuv", fetchedAt: at(-7180), expiresIn: 7200, expiresAt: at(20), vendorExpireTime: null },
  });
  return {
    serverTime,
    credentials: [failing, soon, credentialView(at, { id: "c1", generation: over.generation ?? 1 })],
    attention: [failing, soon],
    totals,
    vendors: [{ vendor: "wechat", label: "WeChat" }],
    page: { number: 1, size: 3, matching: 60, pages: 20 },
    validUntil: null,
    etag: `"${serverTime}"`,
    clockOffsetMs: 0,
  };
}

describe("the overview", () => {
  it("draws the strip, alerts, filters and pages around its rows again only when what they show changes", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval", "Date"], now: START });
    const container = document.createElement("div");
    const root = createRoot(container);
    cleanup.push(() => root.unmount());
    const draw = () =>
      root.render(
        <NextIntlClientProvider locale="en" messages={en} timeZone="UTC">
          <Overview />
        </NextIntlClientProvider>,
      );
    // A new answer as the query holds it: the objects of what did not change are kept (lib/query-client.ts).
    const take = (next: OverviewData) =>
      act(async () => {
        query.data = shareById(query.data, next);
        draw();
      });
    await take(answer(at(0)));
    expect(container.querySelector("h1")?.textContent).toBe("Credentials");
    const before = { strip: drawn.strip, banner: drawn.banner, filters: drawn.filters, pages: drawn.pages };
    for (const n of Object.values(before)) expect(n).toBeGreaterThan(0);
    expect(drawn.stripHealths).toBe("failing expiring");
    const shell = () => ({ strip: drawn.strip, banner: drawn.banner, filters: drawn.filters, pages: drawn.pages });

    // A refresh elsewhere: a new generation in row c1, in a new answer (the server's time moves on).
    drawn.rows = [];
    await take(answer(at(2), { generation: 2 }));
    expect(drawn.rows).toContain("c1");
    expect(shell()).toEqual(before);

    // Another failed retry of c0: its count and error text change, not what the strip shows of it.
    await take(answer(at(4), { generation: 2, failures: 4 }));
    expect(shell()).toEqual(before);

    // Time alone: c2's value expires (the page's ticker), and the strip shows it as expired.
    await act(async () => {
      await vi.advanceTimersByTimeAsync(20_000);
    });
    expect(drawn.stripHealths).toBe("failing expired");
    expect(shell()).toEqual({ ...before, strip: before.strip + 1 });

    // New counts (one more credential of the 60 expiring): the strip again, nothing else.
    await take(answer(at(22), { generation: 2, failures: 4, expiring: 1 }));
    expect(shell()).toEqual({ ...before, strip: before.strip + 2 });
  });
});
