// Dashboard weight and speed: the JavaScript `/` ships (gzip, as served) and the time from
// navigation to the first countdown that ticks, in Debian's Chromium.
// Usage: node --conditions=react-server --import tsx bench/dashboard.ts
import { gzipSync } from "node:zlib";
import { chromium } from "@playwright/test";
import { apiSession } from "../e2e/support/auth";
import { startStack } from "../e2e/support/stack";
import { fmt, machine } from "./lib";

export async function benchDashboard(): Promise<string> {
  const stack = await startStack();
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu"] });
  try {
    const viewer = await apiSession(stack.baseUrl, "viewer");
    const html = await (await fetch(`${stack.baseUrl}/`, { headers: { cookie: viewer.cookie } })).text();
    const scripts = [...new Set([...html.matchAll(/<script[^>]+src="([^"]+)"/g)].map((m) => m[1]!))];
    let raw = 0;
    let gz = 0;
    for (const src of scripts) {
      const body = Buffer.from(await (await fetch(new URL(src, stack.baseUrl))).arrayBuffer());
      raw += body.length;
      gz += gzipSync(body, { level: 9 }).length;
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
    return [
      "### Dashboard",
      "",
      `\`/\` loads ${scripts.length} script files: **${fmt(gz / 1024, 1)} kB gzip** (${fmt(raw / 1024, 1)} kB raw; goal ≤ 200 kB gzip), plus ${fmt(inline / 1024, 1)} kB gzip of inline scripts (the page's data).`,
      "",
      `Navigation to the first countdown tick (5 loads, signed in, warm server): median **${fmt(times[2]!)} ms**, min ${fmt(times[0]!)} ms, max ${fmt(times[4]!)} ms. A countdown ticks once a second, so up to 1 s of this is waiting for the tick.`,
    ].join("\n");
  } finally {
    await browser.close();
    await stack.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(`machine: ${machine()}\n`);
  console.log(await benchDashboard());
}
