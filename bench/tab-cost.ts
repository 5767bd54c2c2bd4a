// What one open dashboard tab costs its renderer (issue 13: "one change reaches every open tab
// within 1 s" with 100 tabs on the instance's 2 cores): one signed-in tab on `/` in Debian's
// Chromium, traced (devtools.timeline and V8's compile events) on its renderer's main thread, where
// a tab's script, style, layout and paint run. Windows of 5 s each: idle (the countdowns'
// ticks), the first change after a page load (one manual Refresh through the API; five loads) and
// five changes after three others (medians). A change's cost is what its window adds to idle: the
// window's tasks less the idle rate over the same span (the ticks go on meanwhile).
// Every tab showing a change does this work, and the renderers of a browser share the machine's
// cores: this says how much of a 1 s budget one tab takes.
// Usage: node --conditions=react-server --import tsx bench/tab-cost.ts
import { chromium, type Page } from "@playwright/test";
import playwrightConfig from "../playwright.config";
import { apiSession } from "../e2e/support/auth";
import { startStack } from "../e2e/support/stack";
import { fmt, machine } from "./lib";

const WINDOW_MS = 5_000;
/** Changes made before the later ones are measured (the change path warm). */
const WARM_CHANGES = 3;
/** Changes measured of each kind (first after a page load, later): the median is reported, with every sample. */
const SAMPLES = 5;
/** After a page load: the start-up reads, the sign-in's audit row and the stream's start pass. */
const SETTLE_MS = 8_000;
/** The phases reported, by trace event name (inclusive durations on the main thread; they nest, so they are not added up). */
const PHASES: [label: string, names: string[]][] = [
  ["script", ["FunctionCall", "TimerFire", "RunMicrotasks", "EventDispatch"]],
  ["V8 compile", ["V8.CompileCode", "V8.CompileLazy", "V8.ParseFunction", "V8.CompileIgnition"]],
  ["GC", ["MinorGC", "MajorGC"]],
  ["style", ["UpdateLayoutTree"]],
  ["layout", ["Layout"]],
  ["paint + commit", ["PrePaint", "Paint", "Layerize", "Commit"]],
];

type TraceEvent = { name: string; ph: string; ts: number; dur?: number; pid: number; tid: number; args?: { name?: string } };

type Window = { tasksMs: number; tasks: number; phases: Map<string, number>; spanMs: number };

/** The page's renderer main thread: of the renderers' main threads in the trace, the busiest (a spare renderer does next to nothing). */
function mainThread(events: TraceEvent[]): TraceEvent[] {
  const mains = events.filter((e) => e.name === "thread_name" && e.args?.name === "CrRendererMain");
  if (mains.length === 0) throw new Error("no renderer main thread in the trace");
  const busy = (m: TraceEvent) => events.filter((e) => e.name === "RunTask" && e.pid === m.pid && e.tid === m.tid).reduce((a, e) => a + (e.dur ?? 0), 0);
  const main = mains.reduce((a, b) => (busy(b) > busy(a) ? b : a));
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

/** What a window adds to idle: its tasks and phases less the idle rate (per ms) over the same span. */
function added(w: Window, idle: Window): Window {
  const rate = (x: number) => (x / idle.spanMs) * w.spanMs;
  return {
    tasksMs: w.tasksMs - rate(idle.tasksMs),
    tasks: w.tasks - rate(idle.tasks),
    phases: new Map([...w.phases].map(([k, v]) => [k, v - rate(idle.phases.get(k)!)])),
    spanMs: w.spanMs,
  };
}

/** The whole traced window after a change was asked for. */
const whole = (events: TraceEvent[]) => sum(events, events[0]!.ts, events[0]!.ts + WINDOW_MS * 1000);

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
    /** Loads `/` afresh (its change path not run yet) and lets the start-up reads and the stream's start pass. */
    const load = async () => {
      await page.goto(`${stack.baseUrl}/`);
      await page.getByTestId("updated-ago").waitFor();
      await new Promise((r) => setTimeout(r, SETTLE_MS));
    };
    await load();
    const nodes = await page.evaluate(() => document.getElementsByTagName("*").length);

    const idle = whole(await traced(page, async () => {}));
    // The first change after a page load, once per load.
    const colds: Window[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      if (i > 0) await load();
      colds.push(added(whole(await traced(page, change)), idle));
    }
    for (let i = 0; i < WARM_CHANGES; i++) {
      await change();
      await new Promise((r) => setTimeout(r, 2_000));
    }
    const warms: Window[] = [];
    for (let i = 0; i < SAMPLES; i++) warms.push(added(whole(await traced(page, change)), idle));
    const median = (ws: Window[]) => [...ws].sort((a, b) => a.tasksMs - b.tasksMs)[Math.floor(ws.length / 2)]!;
    const cold = median(colds);
    const warm = median(warms);
    const samples = (ws: Window[]) => ws.map((w) => fmt(w.tasksMs, 1)).join(", ");

    const perSecond = (w: Window) => (w.tasksMs * 1000) / w.spanMs;
    const idlePerS = perSecond(idle);
    const row = (label: string, w: Window, scale = 1) =>
      `| ${label} | **${fmt(w.tasksMs * scale, 1)} ms** | ${fmt(w.tasks * scale)} | ${PHASES.map(([p]) => fmt(w.phases.get(p)! * scale, 1)).join(" | ")} |`;
    // What fits in 1 s: the cores' time, less what the tabs' ticks take meanwhile, over the cost of one change.
    const fits = (cores: number, perChange: number) => Math.floor((cores * 1000) / (perChange + idlePerS));
    const lines = [
      "### One tab's cost in its renderer",
      "",
      `One signed-in tab on \`/\` (demo apps: ${nodes} elements), Debian's Chromium (headless), traced on its renderer's main thread (\`bench/tab-cost.ts\`): the tasks where its script, style, layout and paint run (not the compositor's, raster or GPU threads). Idle: ${fmt(WINDOW_MS / 1000)} s of countdown ticks, per second. A change: one manual Refresh of a ticket through the API; its cost is what its ${fmt(WINDOW_MS / 1000)} s window adds to idle (the ticks go on meanwhile). This tab is the one that reads the list; a tab handed the answer by another skips the request. Phases are inclusive and nest inside the tasks; they do not add up to them. Each row of a change is the median of ${SAMPLES} (the first change after each of ${SAMPLES} page loads; ${SAMPLES} changes after ${WARM_CHANGES} others): a window also holds whatever else the tab did then (a garbage collection, a safety refetch), so single samples vary by half or more.`,
      "",
      `| window | main-thread tasks | tasks | ${PHASES.map(([p]) => p).join(" | ")} |`,
      `|---|---:|---:|${PHASES.map(() => "---:").join("|")}|`,
      row("idle, per second", idle, 1000 / idle.spanMs),
      row(`the first change after a page load (median of ${SAMPLES} loads: ${samples(colds)} ms)`, cold),
      row(`a change after ${WARM_CHANGES} others (median of ${SAMPLES}: ${samples(warms)} ms)`, warm),
      "",
      `An upper bound: within 1 s, on 2 cores, the renderers' main threads could show a change in at most **${fmt(fits(2, cold.tasksMs))} tabs** at the first change's cost and ${fmt(fits(2, warm.tasksMs))} at a later one's (the cores' 2,000 ms over one change plus one second of ticks per tab). The browser's other threads and processes, the instance, its database and the stream's delivery share the same cores and the same second, so fewer fit. Goal: 100.`,
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
