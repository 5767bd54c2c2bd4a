// What one open dashboard tab costs its renderer (issue 13: "one change reaches every open tab
// within 1 s" with 100 tabs on the instance's 2 cores): one signed-in tab on `/` in Debian's
// Chromium, traced (devtools.timeline and V8's compile events) on its renderer's main thread, where
// a tab's script, style, layout and paint run. Three windows of 5 s each: idle (the countdowns'
// ticks), the first change after the page load (one manual Refresh through the API) and a change
// after three others. Each change is timed from its first task to the last one of its burst.
// Every tab showing a change does this work, and the renderers of a browser share the machine's
// cores: this says how much of a 1 s budget one tab takes.
// Usage: node --conditions=react-server --import tsx bench/tab-cost.ts
import { chromium, type Page } from "@playwright/test";
import playwrightConfig from "../playwright.config";
import { apiSession } from "../e2e/support/auth";
import { startStack } from "../e2e/support/stack";
import { fmt, machine } from "./lib";

const WINDOW_MS = 5_000;
/** A change's burst: its tasks within this of its first one (the list's read and its render come within ~100 ms on an idle machine). */
const BURST_MS = 300;
/** Tasks shorter than this are not where a change starts (timers, pings, the stream's keep-alive). */
const BURST_START_MIN_MS = 2;
const WARM_CHANGES = 3;

type TraceEvent = { name: string; ph: string; ts: number; dur?: number; pid: number; tid: number; args?: { name?: string } };

/** The phases reported, by trace event name (inclusive durations on the main thread; they nest, so they are not added up). */
const PHASES: [label: string, names: string[]][] = [
  ["script", ["FunctionCall", "TimerFire", "RunMicrotasks", "EventDispatch"]],
  ["V8 compile", ["V8.CompileCode", "V8.CompileLazy", "V8.ParseFunction", "V8.CompileIgnition"]],
  ["GC", ["MinorGC", "MajorGC"]],
  ["style", ["UpdateLayoutTree"]],
  ["layout", ["Layout"]],
  ["paint + commit", ["PrePaint", "Paint", "Layerize", "Commit"]],
];

type Window = { tasksMs: number; tasks: number; phases: Map<string, number>; spanMs: number };

function mainThread(events: TraceEvent[]): TraceEvent[] {
  const main = events.find((e) => e.name === "thread_name" && e.args?.name === "CrRendererMain");
  if (!main) throw new Error("no renderer main thread in the trace");
  return events.filter((e) => e.ph === "X" && e.pid === main.pid && e.tid === main.tid).sort((a, b) => a.ts - b.ts);
}

/** Sums the tasks (RunTask) between `from` and `to` (µs), and the phases inside them. */
function sum(events: TraceEvent[], from: number, to: number): Window {
  const within = events.filter((e) => e.ts >= from && e.ts < to);
  const tasks = within.filter((e) => e.name === "RunTask");
  const phases = new Map<string, number>();
  for (const [label, names] of PHASES)
    phases.set(
      label,
      within.filter((e) => names.includes(e.name)).reduce((a, e) => a + (e.dur ?? 0) / 1000, 0),
    );
  return { tasksMs: tasks.reduce((a, e) => a + (e.dur ?? 0) / 1000, 0), tasks: tasks.length, phases, spanMs: (to - from) / 1000 };
}

/** The burst of a change: from the first long task after `after` (µs) to the last task that starts within BURST_MS of it. */
function burst(events: TraceEvent[], after: number): Window & { startUs: number } {
  const first = events.find((e) => e.name === "RunTask" && e.ts >= after && (e.dur ?? 0) / 1000 >= BURST_START_MIN_MS);
  if (!first) throw new Error("no change seen in the trace");
  const tasks = events.filter((e) => e.name === "RunTask" && e.ts >= first.ts && e.ts < first.ts + BURST_MS * 1000);
  const last = tasks[tasks.length - 1]!;
  return { ...sum(events, first.ts, last.ts + (last.dur ?? 0)), startUs: first.ts };
}

async function traced(page: Page, during: () => Promise<void>): Promise<TraceEvent[]> {
  const browser = page.context().browser()!;
  await browser.startTracing(page, { categories: ["devtools.timeline", "disabled-by-default-devtools.timeline", "v8", "disabled-by-default-v8.compile"] });
  await during();
  await new Promise((r) => setTimeout(r, WINDOW_MS));
  return mainThread((JSON.parse((await browser.stopTracing()).toString()) as { traceEvents: TraceEvent[] }).traceEvents);
}

export async function benchTabCost(): Promise<string> {
  const stack = await startStack({ env: { TICKETHUB_TIME_SCALE: "1" } });
  const browser = await chromium.launch(playwrightConfig.use?.launchOptions);
  try {
    const admin = await apiSession(stack.baseUrl, "admin");
    const list = (await (await admin.fetch("/api/credentials")).json()) as { credentials: { id: string; kind: string; generation: number }[] };
    const target = list.credentials.find((c) => c.kind === "jsapi_ticket" && c.generation > 0);
    if (!target) throw new Error("no fetched jsapi_ticket to refresh");
    const change = async () => {
      const res = await admin.fetch(`/api/credentials/${target.id}/refresh`, { method: "POST", body: JSON.stringify({ ifGeneration: target.generation }) });
      if (!res.ok) throw new Error(`refresh failed: ${res.status} ${await res.text()}`);
      target.generation = ((await res.json()) as { credential: { generation: number } }).credential.generation;
    };
    const context = await browser.newContext({ locale: "en-US", viewport: { width: 1280, height: 800 } });
    // The same session as the API's (a cookie header "name=value; name=value").
    await context.addCookies(
      admin.cookie.split("; ").map((c) => ({ name: c.slice(0, c.indexOf("=")), value: c.slice(c.indexOf("=") + 1), url: stack.baseUrl })),
    );
    const page = await context.newPage();
    await page.goto(`${stack.baseUrl}/`);
    await page.getByTestId("updated-ago").waitFor();
    const nodes = await page.evaluate(() => document.getElementsByTagName("*").length);
    // The start-up refreshes, the first reads and the stream's start are behind us.
    await new Promise((r) => setTimeout(r, 8_000));

    const idleEvents = await traced(page, async () => {});
    const idle = sum(idleEvents, idleEvents[0]!.ts, idleEvents[0]!.ts + WINDOW_MS * 1000);
    const coldEvents = await traced(page, change);
    const cold = burst(coldEvents, coldEvents[0]!.ts);
    for (let i = 0; i < WARM_CHANGES; i++) {
      await change();
      await new Promise((r) => setTimeout(r, 2_000));
    }
    const warmEvents = await traced(page, change);
    const warm = burst(warmEvents, warmEvents[0]!.ts);

    const perSecond = (w: Window) => (w.tasksMs * 1000) / w.spanMs;
    const idlePerS = perSecond(idle);
    const row = (label: string, w: Window, scale = 1) =>
      `| ${label} | **${fmt(w.tasksMs * scale, 1)} ms** | ${fmt(w.tasks * scale)} | ${PHASES.map(([p]) => fmt(w.phases.get(p)! * scale, 1)).join(" | ")} |`;
    // What fits in 1 s: the cores' time, less what the tabs' ticks take meanwhile, over the cost of one change.
    const fits = (cores: number, perChange: number) => Math.floor((cores * 1000) / (perChange + idlePerS));
    const lines = [
      "### One tab's cost in its renderer",
      "",
      `One signed-in tab on \`/\` (demo apps: ${nodes} elements), Debian's Chromium (headless), traced on its renderer's main thread (\`bench/tab-cost.ts\`). Idle: ${fmt(WINDOW_MS / 1000)} s of countdown ticks, per second. A change: one manual Refresh of a ticket through the API, from the first task it causes in the tab (the stream's message) to the last one within ${BURST_MS} ms (its list read, render and paint; this tab is the one that reads the list: a tab handed the answer by another skips the request). Phases are inclusive and nest inside the tasks; they do not add up to them.`,
      "",
      `| window | main-thread tasks | tasks | ${PHASES.map(([p]) => p).join(" | ")} |`,
      `|---|---:|---:|${PHASES.map(() => "---:").join("|")}|`,
      row("idle, per second", idle, 1000 / idle.spanMs),
      row("the first change after the page load", cold),
      row(`a change after ${WARM_CHANGES} others`, warm),
      "",
      `Within 1 s, on 2 cores and with nothing else running, the renderers could show a change in at most **${fmt(fits(2, cold.tasksMs))} tabs** at the first change's cost and ${fmt(fits(2, warm.tasksMs))} at a later one's (the cores' 2,000 ms over one change plus one second of ticks per tab; the browser's own processes, the instance and its database share those cores too). Goal: 100.`,
    ];
    console.log(`[tab-cost] idle ${fmt(idlePerS, 1)} ms/s; first change ${fmt(cold.tasksMs, 1)} ms; later change ${fmt(warm.tasksMs, 1)} ms`);
    return lines.join("\n");
  } finally {
    await browser.close();
    await stack.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(`machine: ${machine()}\n`);
  console.log(await benchTabCost());
  process.exit(0);
}
