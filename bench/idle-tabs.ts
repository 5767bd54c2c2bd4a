// Idle cost of open dashboard tabs, and how fast one change reaches all of them (issue 13): 100
// signed-in tabs in Debian's Chromium, half on `/` and the rest spread over the other pages. With
// nothing changing, the CPU time the instance's processes (read plane + Next server, from
// /proc/<pid>/stat) spend over the window, as % of one core; then one manual Refresh through the
// API and the time until every tab has it, and the same again once their change path is warm. Two shapes: 100 tabs in ONE browser (they share one
// change stream) and 100 browsers (100 streams: many ops people). The instance alone, with no tab
// open, is measured first: what the tabs add is the difference.
// Usage: node --conditions=react-server --import tsx bench/idle-tabs.ts [tabs] [windowSeconds] [one|many|both]
import playwrightConfig from "../playwright.config";
import http from "node:http";
import { type BrowserContext, chromium, type Page } from "@playwright/test";
import { processTree } from "../e2e/support/procfs";
import { account } from "../e2e/support/auth";
import { startStack, type Stack } from "../e2e/support/stack";
import { cpuSeconds, fmt, machine, percentile } from "./lib";

const TABS = Number(process.argv[2] ?? 100);
const WINDOW_S = Number(process.argv[3] ?? 60);
/** Which shapes to run: one browser, many browsers (opening 100 of them takes many minutes on 2 cores), or both. */
const SHAPES = process.argv[4] ?? "both";
if (!["one", "many", "both"].includes(SHAPES)) throw new Error(`shapes: one, many or both, not ${SHAPES}`);
/** After the last tab opened: first fetches, sign-in audit rows and stream start-ups die down. */
const SETTLE_MS = 15_000;
/** Tabs opened at once (each is a server render of its page). */
const OPEN_CONCURRENCY = 4;
const CHANGE_TIMEOUT_MS = 30_000;
/** The stream's messages about one change (lease, value, audit row) all come within this. */
const HEARD_WITHIN_MS = 3_000;
/** After the first change's figures are in: the same refresh again (the tabs' change path warm). */
const LATER_GAP_MS = 10_000;

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const ms = (x: number) => (Number.isFinite(x) ? `${fmt(x)} ms` : "never");
const byPage = (c: ChangeFigures) => [...c.domByPage].map(([w, xs]) => `${w} (${xs.length}) ${ms(Math.max(...xs))}`).join(", ");
const readsOf = (c: ChangeFigures) =>
  c.reads.length
    ? `the list read ${c.reads.map((r) => `asked at ${ms(r.askedMs)}, its headers ${ms(r.tookMs)} later`).join("; ")}`
    : "no tab's own read of the list seen";
/** The goal: one change on every open tab within this. */
const GOAL_MS = 1_000;
/** The tabs that had the change on screen within GOAL_MS of its answer, of those that show it. */
const inTime = (c: ChangeFigures) => `${c.domMs.filter((x) => x <= GOAL_MS).length} of ${c.domMs.length}`;
/** One change's figures in a line of the log. */
const said = (c: ChangeFigures) =>
  `${fmt(c.changesPerTab, 1)} change events per tab, sent ${c.sentMs === null ? "never" : `${fmt(c.sentMs)} ms`} (${c.sentEvents} events), heard max ${fmt(Math.max(...c.eventMs))} ms, ${readsOf(c)}, on screen max ${fmt(Math.max(...c.domMs))} ms after the answer (${byPage(c)}; ${inTime(c)} within ${fmt(GOAL_MS)} ms)`;

/** Chromium's processes: everything this benchmark started except the stack (Playwright's driver is in-process). */
function browserPids(stack: Stack): number[] {
  const stackTree = new Set(processTree(stack.pid));
  return processTree(process.pid).filter((p) => p !== process.pid && !stackTree.has(p));
}

/**
 * A session cookie for the admin, signed in from `localAddress` (a loopback address of its own):
 * the sign-in limit counts attempts per client address, and 100 people sign in from 100 places.
 */
function signIn(baseUrl: string, localAddress: string): Promise<{ name: string; value: string }[]> {
  const { username, password } = account("admin");
  const body = JSON.stringify({ username, password });
  const url = new URL("/api/auth/signin", baseUrl);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: "POST",
        localAddress,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on("end", () => {
          if (res.statusCode !== 200) return reject(new Error(`sign-in from ${localAddress} failed: ${res.statusCode}`));
          resolve((res.headers["set-cookie"] ?? []).map((c) => c.split(";")[0]!).map((c) => ({ name: c.split("=")[0]!, value: c.slice(c.indexOf("=") + 1) })));
        });
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** One `change` message of the stream: when it came, and its topics' stamps (as JSON) to know it again in the tabs. */
type Heard = { at: number; topics: string };

/**
 * A plain Node client of the change stream beside the browser, signed in like a tab: when its
 * messages arrive is when the server sent them (the benchmark's process is one light process; the
 * tabs' renderers, 100 of them on the same 2 cores, take their turn much later when the machine is
 * busy). Records the arrival of every `change` message until `stop`.
 */
function observeStream(baseUrl: string, cookie: string): { changes: Heard[]; failed: () => string | null; stop: () => void } {
  const changes: Heard[] = [];
  let failed: string | null = null;
  const url = new URL("/api/events", baseUrl);
  const req = http.get({ host: url.hostname, port: url.port, path: url.pathname, headers: { cookie, accept: "text/event-stream" } }, (res) => {
    if (res.statusCode !== 200) {
      failed = `HTTP ${res.statusCode}`;
      res.resume();
      return;
    }
    res.setEncoding("utf8");
    let buffered = "";
    res.on("data", (chunk: string) => {
      const at = Date.now();
      buffered += chunk;
      const messages = buffered.split("\n\n");
      buffered = messages.pop() ?? "";
      for (const m of messages)
        if (/^event: change$/m.test(m))
          changes.push({ at, topics: JSON.stringify((JSON.parse(m.match(/^data: (.*)$/m)?.[1] ?? "{}") as { topics?: unknown }).topics) });
    });
    res.on("error", () => {});
  });
  req.on("error", (err) => {
    failed ??= err.message;
  });
  return { changes, failed: () => failed, stop: () => req.destroy() };
}

type Credential = { id: string; appName: string; kindLabel: string; kind: string; generation: number };

/** Which page each tab shows: half the overview, the rest spread over every other page. */
function tabUrls(n: number, detailId: string): string[] {
  const others = ["/nonce", "/signatures", "/yzb", "/apps", "/admin", "/audit", `/credentials/${detailId}`];
  return Array.from({ length: n }, (_, i) => (i < Math.ceil(n / 2) ? "/" : others[i % others.length]!));
}

/**
 * What each page runs first (a string: the benchmark runs through tsx, whose helpers must not leak
 * into the page): it records the change-stream messages it hears (the tabs relay them on this
 * BroadcastChannel, live-updates.tsx), and offers a wait for a text to appear in an element.
 */
const IN_PAGE = `
  window.__live = [];
  const channel = new BroadcastChannel("tickethub-live");
  channel.onmessage = (e) => window.__live.push({ at: Date.now(), type: e.data && e.data.type, topics: e.data && e.data.topics ? JSON.stringify(e.data.topics) : undefined });
  // When an answer another tab read for the overview's list arrived (components/ui/shared-reads.ts
  // hands it over on a BroadcastChannel named by the query: "tickethub-read:" and the query's key).
  window.__listShared = [];
  const PageChannel = window.BroadcastChannel;
  window.BroadcastChannel = class extends PageChannel {
    constructor(name) {
      super(name);
      // Which generation of the watched credential the answer carried (a note about the list read
      // before the refresh was stored, a failed read, would not be the new list).
      if (String(name).startsWith("tickethub-read:") && String(name).includes('"overview"'))
        this.addEventListener("message", (e) => {
          const list = e.data && e.data.ok && e.data.data && e.data.data.credentials;
          const watched = Array.isArray(list) ? list.find((c) => c && c.id === window.__watchId) : undefined;
          window.__listShared.push({ at: Date.now(), generation: watched ? watched.generation : undefined });
        });
    }
  };
  // The page's API reads (the last 50), for the report of a tab that never showed the change.
  window.__reads = [];
  const nativeFetch = window.fetch;
  window.fetch = async (...args) => {
    const url = String((args[0] && args[0].url) || args[0]);
    const read = { at: Date.now(), url: url.slice(0, 80) };
    if (url.includes("/api/")) {
      window.__reads.push(read);
      if (window.__reads.length > 50) window.__reads.shift();
    }
    try {
      const res = await nativeFetch(...args);
      read.status = res.status;
      read.ms = Date.now() - read.at;
      // Which generation of the watched credential a list answer carried: the server's part or the page's.
      if (res.status === 200 && window.__watchId && url.includes("/api/credentials")) {
        res.clone().text().then((body) => {
          // A credential's view starts with its id: its generation comes before the next one's id.
          const at = body.indexOf('"id":"' + window.__watchId + '"');
          if (at === -1) return;
          const to = body.indexOf('"id":"', at + 1);
          const m = /"generation":(\\d+)/.exec(body.slice(at, to === -1 ? body.length : to));
          if (m) read.generation = Number(m[1]);
        }, () => {});
      }
      return res;
    } catch (err) {
      read.error = String(err);
      throw err;
    }
  };
  // Resolves with the time the change shows: on the overview the credential's row says its new
  // generation, on its own page the header does, on /audit one more row links to it.
  window.__whenShown = (where, label, text, id, timeoutMs) => new Promise((resolve) => {
    const links = () => document.querySelectorAll('main a[href="/credentials/' + id + '"]').length;
    const before = links();
    const askedAt = Date.now();
    window.__missed = null;
    window.__watchId = id;
    const shown = () => {
      if (where === "audit") return links() > before;
      const scope = where === "detail"
        ? document.querySelector("article header")
        : [...document.querySelectorAll("[aria-label]")].find((e) => e.getAttribute("aria-label") === label);
      return !!(scope && scope.textContent && scope.textContent.includes(text));
    };
    if (shown()) return resolve(Date.now());
    const observer = new MutationObserver(() => {
      if (!shown()) return;
      observer.disconnect();
      resolve(Date.now());
    });
    observer.observe(document.body, { subtree: true, childList: true, characterData: true });
    setTimeout(() => {
      observer.disconnect();
      // What the tab showed instead, for the benchmark's report of tabs that never showed it.
      const scope = where === "detail" ? document.querySelector("article header") : [...document.querySelectorAll("[aria-label]")].find((e) => e.getAttribute("aria-label") === label);
      window.__missed = { where, url: location.pathname, found: !!scope, text: (scope ? scope.textContent : document.body.textContent || "").slice(0, 160), reads: window.__reads.filter((r) => r.at >= askedAt), heard: window.__live.filter((m) => m.at >= askedAt && m.type === "change").length };
      resolve(null);
    }, timeoutMs);
  });
`;
type Where = "overview" | "detail" | "audit";
type InPage = {
  /** The stream's messages this tab heard; a change's topics as JSON (the same text as Heard's). */
  __live: { at: number; type: string; topics?: string }[];
  /** When another tab's answer for the overview's list arrived, with the watched credential's generation in it. */
  __listShared: { at: number; generation?: number }[];
  __reads: { at: number; url: string; status?: number; ms?: number; generation?: number }[];
  __whenShown: (where: Where, label: string, text: string, id: string, timeoutMs: number) => Promise<number | null>;
  /** What a tab that did not show the change showed instead, when its wait ended. */
  __missed?: {
    where: Where;
    url: string;
    found: boolean;
    text: string;
    /** generation: the watched credential's, in a 200 list answer. */
    reads: { at: number; url: string; status?: number; ms?: number; error?: string; generation?: number }[];
    heard: number;
  };
};

type Shape = { label: string; contexts: (i: number) => Promise<BrowserContext> };

type Measured = {
  label: string;
  serverCpuPct: number;
  perProcess: string;
  browserCpuPct: number;
  requests: Map<string, number>;
  changesWhileIdle: number;
  pingsWhileIdle: number;
  visible: number;
  /** The first change after the idle window (the tabs' change path not run since their load), and the same refresh again LATER_GAP_MS after it. */
  first: ChangeFigures;
  later: ChangeFigures;
};

type ChangeFigures = {
  refreshMs: number;
  eventMs: number[];
  /** When the plain Node client beside the browser had the stream's last message about the refresh (observeStream), and how many there were. */
  sentMs: number | null;
  sentEvents: number;
  domMs: number[];
  /** The same by the page the tab shows: which kind of page is the slowest to show it. */
  domByPage: Map<Where, number[]>;
  domPages: number;
  /**
   * On the overview tabs, when the new list was in the tab: its own read answered, or another tab's
   * answer arrived (shared-reads.ts); and how many tabs read it themselves. Between the change heard
   * and this: one tab asks the server for all; from this to on screen: each tab draws it.
   */
  listMs: number[];
  listReaders: number;
  /** The reading tabs' reads of the list: when each was asked (after the answer) and how long its headers took. */
  reads: { askedMs: number; tookMs: number }[];
  /** Change events each tab heard about the one refresh (each one is a refetch of what it names), on average. */
  changesPerTab: number;
};

async function openTabs(stack: Stack, shape: Shape, urls: string[]): Promise<{ pages: Page[]; contexts: BrowserContext[] }> {
  const pages: Page[] = new Array(urls.length);
  const contexts: BrowserContext[] = [];
  let next = 0;
  const worker = async () => {
    while (next < urls.length) {
      const i = next++;
      const context = await shape.contexts(i);
      if (!contexts.includes(context)) contexts.push(context);
      const page = await context.newPage();
      await page.goto(`${stack.baseUrl}${urls[i]}`, { timeout: 300_000 });
      // The page heard from the server (an answer or the stream's first event). With many renderers
      // on a small machine a new tab waits for the CPU behind the others: its turn, not the server's.
      await page.getByTestId("updated-ago").waitFor({ timeout: 300_000 });
      pages[i] = page;
    }
  };
  await Promise.all(Array.from({ length: OPEN_CONCURRENCY }, worker));
  return { pages, contexts };
}

/**
 * One change: a manual Refresh of `target`, and when each tab heard of it, had the new list and
 * showed it (see the report).
 */
async function measureChange(
  stack: Stack,
  pages: Page[],
  urls: string[],
  contexts: BrowserContext[],
  target: Credential,
  shapeLabel: string,
): Promise<ChangeFigures> {
  const heard = await Promise.all(pages.map((p) => p.evaluate(() => (window as unknown as InPage).__live)));
  let observer: ReturnType<typeof observeStream> | undefined;
  try {
    // One change: a manual Refresh of `target`. The tabs that show it (its row on `/`, its page, the
    // audit log) note when it is on screen; every tab notes the stream's messages.
    const cookies = await contexts[0]!.cookies(stack.baseUrl);
    const jar = Object.fromEntries(cookies.map((c) => [c.name, c.value]));
    // After the idle window (its CPU is the tabs' alone), before the tabs' waits start; its first
    // message names the current stamps.
    observer = observeStream(stack.baseUrl, `th_session=${jar.th_session}`);
    for (const t0 = Date.now(); !observer.changes.length; ) {
      if (observer.failed()) throw new Error(`the change stream refused a plain client: ${observer.failed()}`);
      if (Date.now() - t0 > 30_000) throw new Error("the change stream did not answer a plain client within 30 s");
      await new Promise((r) => setTimeout(r, 50));
    }
    const generation = target.generation + 1;
    const label = `${target.appName} ${target.kindLabel}`;
    const heardBefore = heard.map((h) => h.length);
    const where = (url: string): Where | null => (url === "/" ? "overview" : url.startsWith("/credentials/") ? "detail" : url === "/audit" ? "audit" : null);
    const failures: string[] = [];
    const onScreen = pages.map((p, i) => {
      const w = where(urls[i]!);
      if (!w) return null;
      return p
        .evaluate(({ w, label, text, id, timeoutMs }) => (window as unknown as InPage).__whenShown(w, label, text, id, timeoutMs), {
          w,
          label,
          text: `generation ${generation}`,
          id: target.id,
          timeoutMs: CHANGE_TIMEOUT_MS,
        })
        .catch((err: Error) => {
          failures.push(`${urls[i]}: ${err.message.split("\n")[0]}`);
          return null;
        });
    });
    await new Promise((r) => setTimeout(r, 200)); // the observers are in place
    const sentAt = Date.now();
    const res = await fetch(`${stack.baseUrl}/api/credentials/${target.id}/refresh`, {
      method: "POST",
      headers: { cookie: `th_session=${jar.th_session}; th_csrf=${jar.th_csrf}`, "x-csrf-token": jar.th_csrf!, "content-type": "application/json" },
      body: JSON.stringify({ ifGeneration: target.generation }),
    });
    const answeredAt = Date.now();
    if (!res.ok) throw new Error(`refresh failed: ${res.status} ${await res.text()}`);
    const stored = (await res.json()).credential.generation as number;
    if (stored !== generation) throw new Error(`refresh stored generation ${stored}, expected ${generation}`);
    target.generation = generation;
    const shownAt = await Promise.all(onScreen);
    const lists = await Promise.all(
      pages.map((p, i) =>
        where(urls[i]!) === "overview"
          ? p.evaluate(
              ({ since, generation }) => {
                const w = window as unknown as InPage;
                // The list with the new generation: this tab's own read (its generation is noted once
                // its body is read) or another tab's answer. When its headers came: the body follows.
                const read = w.__reads.find((r) => r.at >= since && r.url.startsWith("/api/credentials?") && r.generation === generation);
                return {
                  shared: w.__listShared.find((n) => n.at >= since && n.generation === generation)?.at ?? null,
                  read: read ? read.at + read.ms! : null,
                  asked: read ? read.at : null,
                };
              },
              { since: sentAt, generation },
            )
          : null,
      ),
    );
    const domAt = shownAt.filter((_, i) => onScreen[i] !== null);
    // What the stream said about it: a lease taken, the new value, the audit row (a few events
    // within a second). The last one a tab heard is when it knew all of it.
    await new Promise((r) => setTimeout(r, HEARD_WITHIN_MS));
    observer.stop();
    const sent = observer.changes.filter((m) => m.at >= sentAt && m.at <= answeredAt + HEARD_WITHIN_MS);
    // A tab knew all of it when it heard the server's last message about it (known by its stamps),
    // whenever that came: a renderer behind 99 others may hear it after the server's window (it was
    // then counted as never heard, in a tab that showed the change). Its messages about the refresh:
    // those it heard from the refresh's request up to that one.
    const last = sent.at(-1)?.topics;
    const heardDeadline = Date.now() + CHANGE_TIMEOUT_MS;
    let aboutIt: InPage["__live"][] = [];
    for (;;) {
      aboutIt = await Promise.all(
        pages.map(async (p, i) => {
          const live = (await p.evaluate(() => (window as unknown as InPage).__live))
            .slice(heardBefore[i])
            .filter((m) => m.type === "change" && m.at >= sentAt);
          // The server's client heard nothing in its window: a tab's first message after the request, as before.
          const end = last === undefined ? 0 : live.findIndex((m) => m.topics === last);
          return end < 0 ? [] : live.slice(0, end + 1);
        }),
      );
      if (aboutIt.every((ms) => ms.length > 0) || Date.now() > heardDeadline) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    const eventAt = aboutIt.map((ms) => ms.at(-1)?.at ?? null);
    const missed = (xs: (number | null)[]) => xs.filter((x) => x === null).length;
    if (missed(domAt) || missed(eventAt)) {
      console.warn(`[idle-tabs] ${shapeLabel}: ${missed(eventAt)} tab(s) never heard the change, ${missed(domAt)} never showed it`);
      const why = await Promise.all(
        pages.map((p, i) =>
          onScreen[i] !== null && shownAt[i] === null ? p.evaluate(() => (window as unknown as InPage).__missed).catch((e: Error) => e.message) : null,
        ),
      );
      for (const w of [...why.filter(Boolean).slice(0, 5), ...failures.slice(0, 5)]) console.warn(`[idle-tabs]   not shown: ${JSON.stringify(w)}`);
    }
    const after = (x: number | null) => (x === null ? Number.POSITIVE_INFINITY : x - answeredAt);
    return {
      refreshMs: answeredAt - sentAt,
      eventMs: eventAt.map(after),
      sentMs: sent.length ? sent.at(-1)!.at - answeredAt : null,
      sentEvents: sent.length,
      domMs: domAt.map(after),
      domByPage: shownAt.reduce((byPage, at, i) => {
        const w = where(urls[i]!);
        if (w) byPage.set(w, [...(byPage.get(w) ?? []), after(at)]);
        return byPage;
      }, new Map<Where, number[]>()),
      domPages: domAt.length,
      listMs: lists.flatMap((l) => (l ? [after(l.read ?? l.shared)] : [])),
      listReaders: lists.filter((l) => l?.read != null).length,
      reads: lists.flatMap((l) => (l?.read != null && l.asked != null ? [{ askedMs: l.asked - answeredAt, tookMs: l.read - l.asked }] : [])),
      changesPerTab: sum(aboutIt.map((ms) => ms.length)) / pages.length,
    };
  } finally {
    observer?.stop();
  }
}

async function measureShape(stack: Stack, shape: Shape, target: Credential): Promise<Measured> {
  const urls = tabUrls(TABS, target.id);
  const { pages, contexts } = await openTabs(stack, shape, urls);
  try {
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    const visible = sum(await Promise.all(pages.map((p) => p.evaluate(() => (document.visibilityState === "visible" ? 1 : 0)))));

    // The idle window: nothing changes; count what the tabs ask for meanwhile, by answer (a 304 is
    // answered from memory when nothing changed).
    const requests = new Map<string, number>();
    const count = (url: string, status: number) => {
      const u = new URL(url);
      if (u.origin !== stack.baseUrl || !u.pathname.startsWith("/api/")) return;
      const key = `${u.pathname.replace(/\/credentials\/[^/]+/, "/credentials/{id}")} ${status}`;
      requests.set(key, (requests.get(key) ?? 0) + 1);
    };
    for (const c of contexts) c.on("response", (r) => count(r.url(), r.status()));
    const pids = stack.pids();
    const chromiumPids = browserPids(stack);
    const before = pids.map(cpuSeconds);
    const browserBefore = sum(chromiumPids.map(cpuSeconds));
    const windowStart = Date.now();
    await new Promise((r) => setTimeout(r, WINDOW_S * 1000));
    const seconds = (Date.now() - windowStart) / 1000;
    const used = pids.map((p, i) => cpuSeconds(p) - before[i]!);
    const browserUsed = sum(browserPids(stack).map(cpuSeconds)) - browserBefore;
    for (const c of contexts) c.removeAllListeners("response");
    const heard = await Promise.all(pages.map((p) => p.evaluate(() => (window as unknown as InPage).__live)));
    const inWindow = heard.flat().filter((m) => m.at >= windowStart && m.at <= windowStart + seconds * 1000);
    // Each tab hears each message once (from its own stream or relayed): per tab, on average.
    const changesWhileIdle = inWindow.filter((m) => m.type === "change").length / pages.length;
    const pingsWhileIdle = inWindow.filter((m) => m.type === "ping").length / pages.length;

    const first = await measureChange(stack, pages, urls, contexts, target, shape.label);
    // The same refresh again once the first has settled: the tabs' change path has run once (warm).
    await new Promise((r) => setTimeout(r, LATER_GAP_MS));
    const later = await measureChange(stack, pages, urls, contexts, target, shape.label);
    return {
      label: shape.label,
      serverCpuPct: (100 * sum(used)) / seconds,
      perProcess: ["start script", "read plane", "Next server"].map((name, i) => `${name} ${fmt((100 * (used[i] ?? 0)) / seconds, 1)} %`).join(", "),
      browserCpuPct: (100 * browserUsed) / seconds,
      requests,
      changesWhileIdle,
      pingsWhileIdle,
      visible,
      first,
      later,
    };
  } finally {
    for (const c of contexts) await c.close();
  }
}

/** The instance alone, nobody watching: its own idle cost (scheduler, cache polls). */
async function measureAlone(stack: Stack): Promise<number> {
  const pids = stack.pids();
  const before = pids.map(cpuSeconds);
  const t0 = Date.now();
  await new Promise((r) => setTimeout(r, WINDOW_S * 1000));
  return (100 * sum(pids.map((p, i) => cpuSeconds(p) - before[i]!))) / ((Date.now() - t0) / 1000);
}

export async function benchIdleTabs(): Promise<string> {
  // Time at its real pace: the demo's tokens and tickets live 2 h, so the scheduler has nothing to do in the window.
  const stack = await startStack({ env: { TICKETHUB_TIME_SCALE: "1" } });
  // The browser the suite drives (Debian's Chromium, same flags).
  const browser = await chromium.launch(playwrightConfig.use?.launchOptions);
  try {
    // 10 loopback addresses, 10 sign-ins each: within the limit of 20 per address and minute.
    // One at a time: scrypt work is queued per instance (a full queue answers 503).
    const sessions: { name: string; value: string }[][] = [];
    for (let i = 0; i < TABS; i++) sessions.push(await signIn(stack.baseUrl, `127.0.1.${1 + (i % 10)}`));
    const newContext = async (i: number) => {
      const context = await browser.newContext({ locale: "en-US", viewport: { width: 1280, height: 800 } });
      await context.addCookies(sessions[i]!.map((c) => ({ ...c, url: stack.baseUrl })));
      await context.addInitScript(IN_PAGE);
      return context;
    };
    const admin = sessions[0]!.map((c) => `${c.name}=${c.value}`).join("; ");
    const list = (await (await fetch(`${stack.baseUrl}/api/credentials`, { headers: { cookie: admin } })).json()) as { credentials: Credential[] };
    const target = list.credentials.find((c) => c.kind === "jsapi_ticket" && c.generation > 0);
    if (!target) throw new Error("no fetched jsapi_ticket to refresh");

    // Wait for the start-up refreshes and sign-ins to be behind us.
    await new Promise((r) => setTimeout(r, 5_000));
    const alone = await measureAlone(stack);
    // The promise, not the context: the first tabs open at once (OPEN_CONCURRENCY), and each would
    // otherwise make a context of its own (a browser of its own, with its own stream and reads).
    let shared: Promise<BrowserContext> | null = null;
    const oneBrowser: Shape = {
      label: `${TABS} tabs in one browser (one stream)`,
      contexts: () => (shared ??= newContext(0)),
    };
    const manyBrowsers: Shape = { label: `${TABS} browsers, one tab each (${TABS} streams)`, contexts: newContext };
    const results: Measured[] = [];
    const shapes = SHAPES === "one" ? [oneBrowser] : SHAPES === "many" ? [manyBrowsers] : [oneBrowser, manyBrowsers];
    for (const shape of shapes) {
      console.log(`[idle-tabs] ${shape.label}…`);
      const r = await measureShape(stack, shape, target);
      // Said at once: on a busy machine the next shape can take many minutes.
      console.log(
        `[idle-tabs] ${r.label}: server ${fmt(r.serverCpuPct, 1)} % (${r.perProcess}); ${(["first", "later"] as const).map((k) => `${k} change: ${said(r[k])}`).join("; ")}; ${fmt(r.pingsWhileIdle, 0)} pings per tab in the window; requests ${JSON.stringify([...r.requests])}`,
      );
      results.push(r);
    }

    const changeCells = (c: ChangeFigures) => [
      `**${ms(c.sentMs ?? Number.POSITIVE_INFINITY)}**`,
      `${ms(percentile(c.eventMs, 0.5))} / **${ms(Math.max(...c.eventMs))}**`,
      `${ms(percentile(c.listMs, 0.5))} / ${ms(Math.max(...c.listMs))} (${c.listReaders})`,
      `${ms(percentile(c.domMs, 0.5))} / **${ms(Math.max(...c.domMs))}**`,
      inTime(c),
    ];
    const rows = results.map((r) =>
      [r.label, `**${fmt(r.serverCpuPct, 1)} %**`, `${fmt(r.serverCpuPct - alone, 1)} %`, `${fmt(r.browserCpuPct, 0)} %`, ...changeCells(r.first)].join(" | "),
    );
    const laterRows = results.map((r) => [r.label, `${fmt(r.later.refreshMs)} ms`, ...changeCells(r.later)].join(" | "));
    const detail = results.map((r) => {
      const asked = [...r.requests].sort((a, b) => b[1] - a[1]).map(([p, n]) => `${p} ${n}`);
      return `- ${r.label}: ${r.perProcess}; ${r.visible} of ${TABS} tabs visible; per tab ${fmt(r.pingsWhileIdle, 0)} pings and ${fmt(r.changesWhileIdle, 1)} changes heard in the window, then ${fmt(r.first.changesPerTab, 1)} change events about the refresh (${r.first.sentEvents} sent by the server); on screen max by page: ${byPage(r.first)}; ${readsOf(r.first)}; API answers in the window (path, status, count): ${asked.length ? asked.join(", ") : "none"}; the Refresh call itself (vendor call included) took ${fmt(r.first.refreshMs)} ms. The later change: ${fmt(r.later.changesPerTab, 1)} change events per tab (${r.later.sentEvents} sent), on screen max by page: ${byPage(r.later)}; ${readsOf(r.later)}.`;
    });
    return [
      "### Idle dashboard tabs",
      "",
      `${TABS} signed-in tabs in Debian's Chromium (headless), ${Math.ceil(TABS / 2)} on \`/\`, the rest over \`/nonce\`, \`/signatures\`, \`/yzb\`, \`/apps\`, \`/admin\`, \`/audit\` and one credential's page; ${SETTLE_MS / 1000} s to settle, then ${WINDOW_S} s with nothing changing. Server CPU = utime + stime of the instance's processes (start script, read plane, Next server; not the sandbox) over the window, as % of one core. Then one manual Refresh through the API; counted from its answer (the value is stored by then; the vendor call before it is not the dashboard's), the time until each tab had heard every stream message about it (all ${TABS}), until the ${Math.ceil(TABS / 2)} overview tabs had the new list (read by one tab of a browser, handed to the others: the number of tabs that read it is in brackets), and until it was on screen in the ${results[0]?.first.domPages ?? 0} tabs that show it (the new generation in its row on \`/\` and on its page, one more row on \`/audit\`). Negative: before the answer reached the benchmark. "Sent by the server": when a plain Node client of the same stream, in this benchmark's process, had the last message about it: the server's part. The tabs' part comes after it: every renderer of the browser runs on the instance's 2 cores too (the Chromium CPU column), and takes its turn behind the others; on the ops' own machines each browser has a machine of its own.`,
      "",
      `The instance alone, no tab open: **${fmt(alone, 1)} %** of one core (scheduler, alert checks, the read cache's 250 ms stamp poll in both processes).`,
      "",
      `| shape | server CPU | added by the tabs | Chromium CPU | sent by the server | change heard p50 / max | new list in the overview tabs p50 / max (tabs that read it) | on screen p50 / max | on screen within ${fmt(GOAL_MS / 1000)} s |`,
      "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
      ...rows.map((r) => `| ${r} |`),
      "",
      `The same refresh again ${LATER_GAP_MS / 1000} s after the first had settled: every tab has run its change path once (the first change after a page load also pays for compiling it), as in a dashboard that has been open through one change (\`bench/tab-cost.ts\`: "a later change").`,
      "",
      `| shape | Refresh call | sent by the server | change heard p50 / max | new list in the overview tabs p50 / max (tabs that read it) | on screen p50 / max | on screen within ${fmt(GOAL_MS / 1000)} s |`,
      "|---|---:|---:|---:|---:|---:|---:|",
      ...laterRows.map((r) => `| ${r} |`),
      "",
      ...detail,
      "",
      `Goal: ≤ 5 % of one core for 100 idle tabs; one change on every open tab within 1 s.`,
    ].join("\n");
  } finally {
    await browser.close();
    await stack.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(`machine: ${machine()}\n`);
  console.log(await benchIdleTabs());
  process.exit(0);
}
