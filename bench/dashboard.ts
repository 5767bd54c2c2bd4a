// Dashboard weight and speed: the JavaScript `/` ships (gzip, as served), the time from navigation
// to the first countdown that ticks, and `/`'s first contentful paint with the demo apps and with
// 3,000 apps, in Debian's Chromium.
// Usage: node --conditions=react-server --import tsx bench/dashboard.ts [appsPerVendor]
import { gzipSync } from "node:zlib";
import { type Browser, chromium } from "@playwright/test";
import { apiSession } from "../e2e/support/auth";
import { startStack } from "../e2e/support/stack";
import { fmt, machine, percentile } from "./lib";
import { SEED_SECRET_KEY, seedAppList, seedApps } from "./lib-seed";

type Loads = { fcp: number[]; countdown: number[]; html: number };

/**
 * Five signed-in loads of `/` in fresh pages: first contentful paint (the browser's own entry) and
 * when the first countdown is on screen (ms after navigation start), and the HTML's size (gzip).
 */
async function loadsOf(browser: Browser, baseUrl: string): Promise<Loads> {
  const viewer = await apiSession(baseUrl, "viewer", true);
  const html = gzipSync(Buffer.from(await (await fetch(`${baseUrl}/`, { headers: { cookie: viewer.cookie } })).arrayBuffer())).length;
  const context = await browser.newContext();
  await context.addCookies(viewer.cookie.split("; ").map((c) => ({ name: c.split("=")[0]!, value: c.split("=").slice(1).join("="), url: baseUrl })));
  const fcp: number[] = [];
  const countdown: number[] = [];
  try {
    for (let i = 0; i < 6; i++) {
      const page = await context.newPage();
      await page.goto(baseUrl);
      await page.getByRole("timer").first().waitFor();
      const seen = await page.evaluate(() => performance.now());
      const paint = await page.waitForFunction(() => performance.getEntriesByName("first-contentful-paint")[0]?.startTime);
      // The first load warms the server's caches (and Next's), as a user who had the page open would have.
      if (i > 0) {
        fcp.push(Number(await paint.jsonValue()));
        countdown.push(seen);
      }
      await page.close();
    }
  } finally {
    await context.close();
  }
  return { fcp, countdown, html };
}

const median = (xs: number[]) => percentile(xs, 0.5);

/** `/` with thousands of apps: its first contentful paint and first countdown (goal: FCP ≤ 1 s). */
export async function benchFirstPaintAtScale(perVendor = 750): Promise<string> {
  const stack = await startStack({ env: { TICKETHUB_SECRET_KEY: SEED_SECRET_KEY } });
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu"] });
  try {
    // Values fetched within the last 10 minutes, refreshes planned after the bench (the sandbox knows no app).
    const seeded = await seedApps(stack, {
      apps: seedAppList(perVendor, "seeded"),
      secretOf: (appId) => `seed-secret-${appId}`,
      now: Date.now,
      fetchedWithinMs: 600_000,
      nextRefreshAt: (at) => at + 3_600_000 + Math.random() * 600_000,
    });
    const admin = await apiSession(stack.baseUrl, "admin", true);
    // Wait until the list the dashboard serves holds them all.
    for (let shown = 0; shown < seeded.credentials; ) {
      const res = await admin.fetch("/api/credentials?limit=1");
      if (!res.ok) throw new Error(`GET /api/credentials answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
      const answer = (await res.json()) as { totals: Record<string, number> };
      shown = Object.values(answer.totals).reduce((a, b) => a + b, 0);
      if (shown < seeded.credentials) await new Promise((r) => setTimeout(r, 500));
    }
    const listMs: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      await (await admin.fetch(`/api/credentials?limit=50&q=seeded%20${i}`)).arrayBuffer();
      listMs.push(performance.now() - t0);
    }
    const loads = await loadsOf(browser, stack.baseUrl);
    return [
      `With ${fmt(seeded.apps)} apps (${fmt(seeded.credentials)} credentials, seeded in ${fmt(seeded.seconds, 1)} s): \`/\` first contentful paint median **${fmt(median(loads.fcp))} ms** (max ${fmt(Math.max(...loads.fcp))} ms; goal ≤ 1,000 ms), first countdown on screen median ${fmt(median(loads.countdown))} ms after navigation (5 loads after a warm-up); the HTML is ${fmt(loads.html / 1024, 1)} kB gzip (one page of 50 rows). A searched page of the list API: median ${fmt(median(listMs))} ms.`,
    ].join("\n");
  } finally {
    await browser.close();
    await stack.stop();
  }
}

export async function benchDashboard(): Promise<string> {
  const demo = await benchDemoDashboard();
  return `${demo}\n\n${await benchFirstPaintAtScale(perVendorArg)}`;
}

async function benchDemoDashboard(): Promise<string> {
  const stack = await startStack();
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu"] });
  try {
    const viewer = await apiSession(stack.baseUrl, "viewer");
    const html = await (await fetch(`${stack.baseUrl}/`, { headers: { cookie: viewer.cookie } })).text();
    const tags = [...new Map([...html.matchAll(/<script([^>]+)src="([^"]+)"([^>]*)>/g)].map((m) => [m[2]!, /noModule/i.test(m[1]! + m[3]!)])).entries()];
    const scripts = tags.map(([src]) => src);
    let raw = 0;
    let gz = 0;
    // Next's legacy polyfills come as <script nomodule>: every browser that runs modules skips them.
    let legacyGz = 0;
    for (const [src, legacy] of tags) {
      const body = Buffer.from(await (await fetch(new URL(src, stack.baseUrl))).arrayBuffer());
      raw += body.length;
      const size = gzipSync(body, { level: 9 }).length;
      gz += size;
      if (legacy) legacyGz += size;
    }
    const inline = [...html.matchAll(/<script(?![^>]*src=)[^>]*>([\s\S]*?)<\/script>/g)].reduce((n, m) => n + gzipSync(Buffer.from(m[1]!)).length, 0);

    const context = await browser.newContext();
    await context.addCookies(viewer.cookie.split("; ").map((c) => ({ name: c.split("=")[0]!, value: c.split("=").slice(1).join("="), url: stack.baseUrl })));
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const page = await context.newPage();
      const t0 = Date.now();
      await page.goto(stack.baseUrl);
      const timer = page.getByRole("timer").first();
      await timer.waitFor();
      const first = await timer.textContent();
      await page.waitForFunction((before) => document.querySelector('[role="timer"]')?.textContent !== before, first, { polling: 20 });
      times.push(Date.now() - t0);
      await page.close();
    }
    times.sort((a, b) => a - b);
    const demo = await loadsOf(browser, stack.baseUrl);
    return [
      "### Dashboard",
      "",
      `\`/\` names ${scripts.length} script files: **${fmt(gz / 1024, 1)} kB gzip** (${fmt(raw / 1024, 1)} kB raw; goal ≤ 200 kB gzip), of which ${fmt(legacyGz / 1024, 1)} kB are \`nomodule\` polyfills that browsers running modules skip: **${fmt((gz - legacyGz) / 1024, 1)} kB gzip** loaded by such a browser; plus ${fmt(inline / 1024, 1)} kB gzip of inline scripts (the page's data and messages).`,
      "",
      `Navigation to the first countdown tick (5 loads, signed in, warm server): median **${fmt(times[2]!)} ms**, min ${fmt(times[0]!)} ms, max ${fmt(times[4]!)} ms. A countdown ticks once a second, so up to 1 s of this is waiting for the tick.`,
      "",
      `With the demo apps: first contentful paint median **${fmt(median(demo.fcp))} ms**, the first countdown on screen (server-rendered) median ${fmt(median(demo.countdown))} ms after navigation; the HTML is ${fmt(demo.html / 1024, 1)} kB gzip.`,
    ].join("\n");
  } finally {
    await browser.close();
    await stack.stop();
  }
}

/** Apps per vendor for the thousands-of-apps part (argv[2] when run alone). */
let perVendorArg = 750;

if (import.meta.url === `file://${process.argv[1]}`) {
  perVendorArg = Number(process.argv[2] ?? perVendorArg);
  console.log(`machine: ${machine()}\n`);
  // Each part as soon as it is measured.
  console.log(await benchDemoDashboard());
  console.log(`\n${await benchFirstPaintAtScale(perVendorArg)}`);
}
