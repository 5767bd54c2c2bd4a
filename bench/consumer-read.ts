// Consumer read throughput and latency: Ticket Hub's GET /api/v1/apps/…/jsapi_ticket (the read
// plane's fast path, and with the read cache off, the Next route handler) against a bare Node http
// server answering the same JSON from memory, alternately with the same load generator (autocannon
// at full speed; at a fixed rate, lib.ts pacedLoad); and the read plane's RSS with the demo apps (issue 13: ≥ 0.85× bare Node, p99 ≤ 2 ms at 1,000/s, ≤ 120 MiB).
// Usage: node --conditions=react-server --import tsx bench/consumer-read.ts [seconds]
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import os from "node:os";
import nodePath from "node:path";
import autocannon from "autocannon";
import { startStack } from "../e2e/support/stack";
import { STALE_HEADER } from "../server/fast/cache-store";
import { fmt, machine, pacedLoad, percentile, processRss, rssOf, wechatKey } from "./lib";

const seconds = Number(process.argv[2] ?? 5);
const CONNECTIONS = 20;
/**
 * Rounds of bare Node, the fast path, then bare Node with the fast path's further headers, at full speed. This machine's speed drifts between runs
 * of the same code (bare Node alone 29k-55k requests/s from one run to the next), and one slow
 * spell inside one of two long rounds moved the ratio of the means by 0.1 or more: the figure is
 * the median of the rounds' ratios, each from two runs seconds apart.
 */
const ROUNDS = 6;
/** Each fixed-rate run's length: p99 from ~10,000 requests a run. */
const FIXED_SECONDS = 10;
/**
 * Fixed-rate runs of each server, alternated. Their p99 swings with the machine more than with the
 * server: in one session's scratch runs bare Node's ranged 1.2-2.5 ms and the fast path's 1.2-4.7 ms,
 * the slow 1 % coming in bursts of up to ~40 requests delayed up to ~18 ms that hit bare Node alike
 * (not the read plane's collections, nor its 250 ms poll; 1-2 % steal on this virtual machine); with
 * no Ticket Hub running at all, bare Node's ranged 0.6-3.9 ms from one 10 s run to the next (lib.ts
 * pacedLoad's client). So since 2026-12-03 the p99 at 1,000 requests/s is that of all the runs'
 * requests together (60,000 over one minute, alternated with bare Node's), the figure the goal is
 * held to, with no request failed; every run's own p99 is reported too, with the worst run's (the
 * figure versions up to 245ff81 held the goal to: there one noisy 10 s stretch decided it).
 */
const FIXED_ROUNDS = 6;

type Run = { rps: number; p50: number; p99: number; non2xx: number; errors: number; latencies?: number[] };

async function load(url: string, headers: Record<string, string>, opts: { overallRate?: number; seconds?: number } = {}): Promise<Run> {
  const r = await autocannon({
    url,
    headers,
    connections: opts.overallRate ? 10 : CONNECTIONS,
    duration: opts.seconds ?? seconds,
    overallRate: opts.overallRate,
  });
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx, errors: r.errors };
}

const mib = (b: number | undefined) => (b === undefined ? "?" : fmt(b / 2 ** 20));

export async function benchConsumerRead(): Promise<string> {
  const path = "/api/v1/apps/wechat/wx000000000000demo/jsapi_ticket";
  // The route handler's figure first, on its own stack, stopped before the others are measured.
  const routeStack = await startStack({ env: { TICKETHUB_READ_CACHE: "off" } });
  let routeRun: Run;
  try {
    const key = await wechatKey(routeStack.baseUrl);
    for (let i = 0; i < 50; i++) await fetch(`${routeStack.baseUrl}${path}`, { headers: { authorization: `Bearer ${key}` } });
    routeRun = await load(`${routeStack.baseUrl}${path}`, { authorization: `Bearer ${key}` });
  } finally {
    await routeStack.stop();
  }
  const stacks = { fast: await startStack() };
  try {
    const keys = { fast: await wechatKey(stacks.fast.baseUrl) };
    // Warm up until the fast path answers (right after a start the demo apps' first fetches are
    // still being written, and a snapshot is not installed while this process writes), and keep one
    // answer as the bare server's body.
    let body = "";
    let via: string | null = null;
    let answerHeaders = new Headers();
    for (let i = 0, until = Date.now() + 30_000; i < 50 || via !== "fast"; i++) {
      if (Date.now() > until) throw new Error(`expected the fast path to answer within 30 s, got ${via}`);
      const res = await fetch(`${stacks.fast.baseUrl}${path}`, { headers: { authorization: `Bearer ${keys.fast}` } });
      body = await res.text();
      via = res.headers.get("x-tickethub-path");
      answerHeaders = res.headers;
      if (via !== "fast") await new Promise((r) => setTimeout(r, 20));
    }

    // The baseline runs in its own process, as Ticket Hub does, so both get a core of their own.
    const bodyFile = nodePath.join(os.tmpdir(), `bench-body-${process.pid}.json`);
    writeFileSync(bodyFile, body);
    // A second baseline answers with the headers a consumer read carries besides bare Node's own
    // (its ETag, cache-control, nosniff, x-tickethub-path): what serving and parsing them costs on
    // this machine, apart from the read plane's work (the goal is held to the plain one).
    const carried = [...answerHeaders].filter(([name]) => !["content-type", "content-length", "date", "connection", "keep-alive", STALE_HEADER].includes(name));
    const startBare = async (extra: [string, string][]) => {
      const child = spawn(
        process.execPath,
        [
          "-e",
          `
      const body = require("node:fs").readFileSync(${JSON.stringify(bodyFile)});
      const extra = ${JSON.stringify(extra.flat())};
      const s = require("node:http").createServer((req, res) => { res.writeHead(200, ["content-type", "application/json", "content-length", String(body.length), ...extra]); res.end(body); });
      s.keepAliveTimeout = 65_000; // as the read plane's: idle connections stay open on both
      s.listen(0, "127.0.0.1", () => console.log(s.address().port));
    `,
        ],
        { stdio: ["ignore", "pipe", "inherit"] },
      );
      children.push(child);
      const port = await new Promise<number>((resolve, reject) => {
        child.stdout!.once("data", (d) => resolve(Number(String(d).trim())));
        child.once("exit", (code) => reject(new Error(`the baseline server exited (${code}) before it listened`)));
      });
      return { child, url: `http://127.0.0.1:${port}${path}` };
    };
    const children: ReturnType<typeof spawn>[] = [];
    const bare = { kill: () => children.forEach((c) => c.kill()) };
    try {
      const plain = await startBare([]);
      const withHeaders = await startBare(carried);
      const bareUrl = plain.url;
      // Alternating, so that drift in the machine's load hits both alike: bare Node and the fast path
      // next to each other, as before the second baseline came (the goal's figure), then that one.
      const bareRuns: Run[] = [];
      const headedRuns: Run[] = [];
      const fastRuns: Run[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        bareRuns.push(await load(bareUrl, {}));
        fastRuns.push(await load(`${stacks.fast.baseUrl}${path}`, { authorization: `Bearer ${keys.fast}` }));
        headedRuns.push(await load(withHeaders.url, {}));
      }
      // The fixed rate alternates too, evenly paced (lib.ts pacedLoad: one request every
      // millisecond, open loop). The first run after the saturating ones pays for what they left
      // behind in this process and on the machine (bare Node's p99 measured 3 ms in that place and
      // 1 ms in the next), so one short run of each comes first and is not counted; bare Node's
      // figure is the client's floor on this machine. Then one run each with autocannon's own rate
      // option, which sends each second's share as one burst at full speed (pacedLoad says how):
      // the figure earlier versions of this benchmark reported as "at a fixed 1,000 requests/s".
      const fixedRate = async () => {
        const paced = async (url: string, headers: Record<string, string>, runSeconds: number): Promise<Run> => {
          const r = await pacedLoad(url, headers, { rate: 1000, seconds: runSeconds, connections: 10 });
          return { rps: r.rate, p50: r.p50, p99: r.p99, non2xx: r.non2xx, errors: r.errors, latencies: r.latencies };
        };
        await paced(bareUrl, {}, 3);
        await paced(`${stacks.fast.baseUrl}${path}`, { authorization: `Bearer ${keys.fast}` }, 3);
        const bareAt: Run[] = [];
        const fastAt: Run[] = [];
        for (let round = 0; round < FIXED_ROUNDS; round++) {
          bareAt.push(await paced(bareUrl, {}, FIXED_SECONDS));
          fastAt.push(await paced(`${stacks.fast.baseUrl}${path}`, { authorization: `Bearer ${keys.fast}` }, FIXED_SECONDS));
        }
        const bareBurst = await load(bareUrl, {}, { overallRate: 1000, seconds: FIXED_SECONDS });
        const fastBurst = await load(`${stacks.fast.baseUrl}${path}`, { authorization: `Bearer ${keys.fast}` }, { overallRate: 1000, seconds: FIXED_SECONDS });
        return { bareAt1000: pooled(bareAt), fastAt1000: pooled(fastAt), bareAtRuns: bareAt, fastAtRuns: fastAt, bareBurst, fastBurst };
      };
      const mean = (runs: Run[]): Run => ({
        rps: runs.reduce((n, r) => n + r.rps, 0) / runs.length,
        p50: runs.reduce((n, r) => n + r.p50, 0) / runs.length,
        p99: Math.max(...runs.map((r) => r.p99)),
        non2xx: runs.reduce((n, r) => n + r.non2xx, 0),
        errors: runs.reduce((n, r) => n + r.errors, 0),
      });
      // The fixed-rate runs' requests as one measurement: the rate their mean, p50 and p99 over all their answers.
      const pooled = (runs: Run[]): Run => {
        const all = runs.flatMap((r) => r.latencies ?? []);
        return { ...mean(runs), p50: percentile(all, 0.5), p99: percentile(all, 0.99) };
      };
      const results = {
        bare: mean(bareRuns),
        headed: mean(headedRuns),
        fast: mean(fastRuns),
        route: routeRun,
        ...(await fixedRate()),
      };
      const median = (xs: number[]) => {
        const sorted = [...xs].sort((a, b) => a - b);
        return (sorted[(sorted.length - 1) >> 1]! + sorted[sorted.length >> 1]!) / 2;
      };
      const ratios = fastRuns.map((f, i) => f.rps / bareRuns[i]!.rps);
      const ratio = median(ratios);
      // Each round's gap in two factors: bare Node with the headers / without them, and the fast path / bare Node with them.
      const headersRatios = headedRuns.map((h, i) => h.rps / bareRuns[i]!.rps);
      const headedRatios = fastRuns.map((f, i) => f.rps / headedRuns[i]!.rps);
      const metrics = async () => (await fetch(`${stacks.fast.baseUrl}/api/metrics`, { headers: { authorization: `Bearer ${keys.fast}` } })).text();
      const memory: Record<string, number | undefined> = { ...(await processRss(metrics)), total: await rssOf(metrics) };
      const row = (name: string, r: Run) => `| ${name} | ${fmt(r.rps)} | ${fmt(r.p50, 2)} | ${fmt(r.p99, 2)} | ${r.non2xx + r.errors} |`;
      const lines = [
        `### Consumer read (\`GET ${path}\`)`,
        "",
        `${seconds} s per full-speed run, ${FIXED_SECONDS} s per fixed-rate run; autocannon in the benchmark's process, each server in a process of its own; ${CONNECTIONS} connections (10 for the fixed-rate runs). Bare Node, the fast path and bare Node with the fast path's further headers ran alternately, ${ROUNDS} rounds at full speed; then bare Node and the fast path ${FIXED_ROUNDS} times each at a fixed rate, alternately, evenly paced (one request due every millisecond, open loop, from the benchmark's process over up to 10 kept-alive connections, one request at a time on each, read with a minimal HTTP/1.1 reader on \`net\` sockets; latencies to the microsecond, from each send), after 3 s of each at that rate, not counted (rate the runs' mean; p50 and p99 over all the runs' requests together: since 2026-12-03 the figure the goal is held to, the worst single run's before); then once each with autocannon's \`overallRate\`, which sends each connection's share of a second in one burst at full speed when the second starts (autocannon's resolution is 1 ms, with its coordinated-omission correction).`,
        "",
        "| server | requests/s | p50 ms | p99 ms | errors |",
        "|---|---:|---:|---:|---:|",
        row("bare Node `http`, same JSON from memory", results.bare),
        row(`bare Node \`http\`, same JSON and Ticket Hub's ${carried.length} further headers`, results.headed),
        row("Ticket Hub, fast path (cache hit)", results.fast),
        row("Ticket Hub, route handler (`TICKETHUB_READ_CACHE=off`)", results.route),
        row("bare Node `http` at a fixed 1,000 requests/s (evenly paced)", results.bareAt1000),
        row("Ticket Hub, fast path at a fixed 1,000 requests/s (evenly paced)", results.fastAt1000),
        row("bare Node `http`, autocannon `overallRate: 1000` (bursts)", results.bareBurst),
        row("Ticket Hub, fast path, autocannon `overallRate: 1000` (bursts)", results.fastBurst),
        "",
        `Fast path / bare Node: **${fmt(ratio, 3)}×**, the median of the ${ROUNDS} rounds' ratios (${ratios.map((r) => fmt(r, 2)).join(", ")}; goal ≥ 0.85×: ${ratio >= 0.85 ? "met" : "not met"}); the means' ratio ${fmt(results.fast.rps / results.bare.rps, 2)}×. The gap in two factors, round by round (their product is that round's ratio above): the headers a consumer read carries besides bare Node's own (${carried.map(([n]) => `\`${n}\``).join(", ")}), as bare Node with them / without them, sending them and parsing them in the client on the same two cores: ${headersRatios.map((r) => fmt(r, 2)).join(", ")} (median ${fmt(median(headersRatios), 2)}×); the read plane's own work, as the fast path / bare Node with them: ${headedRatios.map((r) => fmt(r, 2)).join(", ")} (median ${fmt(median(headedRatios), 2)}×). p99 at a fixed 1,000 requests/s: **${fmt(results.fastAt1000.p99, 2)} ms** over the ${FIXED_ROUNDS} runs' ${fmt(results.fastAtRuns.reduce((n, r) => n + (r.latencies?.length ?? 0), 0))} answers, ${results.fastAt1000.non2xx + results.fastAt1000.errors} failed (goal ≤ 2 ms with none failed: ${results.fastAt1000.p99 <= 2 && results.fastAt1000.non2xx + results.fastAt1000.errors === 0 ? "met" : "not met"}; bare Node ${fmt(results.bareAt1000.p99, 2)} ms with the same client, this machine's floor); in autocannon's one-second bursts ${fmt(results.fastBurst.p99, 0)} ms (bare Node ${fmt(results.bareBurst.p99, 0)} ms). Each ${FIXED_SECONDS} s run's own p99 in the order run, fast path: ${results.fastAtRuns.map((r) => fmt(r.p99, 2)).join(", ")} ms (worst ${fmt(Math.max(...results.fastAtRuns.map((r) => r.p99)), 2)} ms); bare Node: ${results.bareAtRuns.map((r) => fmt(r.p99, 2)).join(", ")} ms (worst ${fmt(Math.max(...results.bareAtRuns.map((r) => r.p99)), 2)} ms).`,
        "",
        `RSS after the runs (demo apps): read plane **${mib(memory["read-plane"])} MiB** (goal ≤ 120 MiB: ${memory["read-plane"]! <= 120 * 2 ** 20 ? "met" : "not met"}), Next server ${mib(memory.next)} MiB (instance ${mib(memory.total)} MiB).`,
      ];
      return lines.join("\n");
    } finally {
      bare.kill();
    }
  } finally {
    await stacks.fast.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(`machine: ${machine()}\n`);
  console.log(await benchConsumerRead());
}
