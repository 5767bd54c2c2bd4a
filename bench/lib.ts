// Shared helpers of the benchmarks: the machine they ran on, a signed-in admin, an API key.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import { apiSession } from "../e2e/support/auth";

export function machine(): string {
  const cpu = os.cpus()[0]?.model ?? "unknown CPU";
  return `${os.cpus().length} × ${cpu.trim()}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM, ${os.type()} ${os.release()}, Node ${process.version}`;
}

/** An API key scoped to the demo WeChat app (created through the admin API, as a user would). */
export async function wechatKey(baseUrl: string): Promise<string> {
  const admin = await apiSession(baseUrl, "admin");
  const apps = (await (await admin.fetch("/api/apps")).json()).apps as { id: string; appId: string }[];
  const wechat = apps.find((a) => a.appId === "wx000000000000demo");
  if (!wechat) throw new Error("the demo WeChat app is missing");
  const res = await admin.fetch("/api/keys", { method: "POST", body: JSON.stringify({ name: `bench-${Date.now()}`, appRefs: [wechat.id] }) });
  if (res.status !== 201) throw new Error(`could not create an API key: ${res.status} ${await res.text()}`);
  return (await res.json()).key as string;
}

export const fmt = (n: number, digits = 0) => n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** The p-th percentile (0–1) of some figures, nearest rank. */
export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))] ?? Number.NaN;
}

/** The server's resident memory (bytes), from its Prometheus metrics. */
export async function rssOf(metrics: () => Promise<string>): Promise<number> {
  const m = /^process_resident_memory_bytes (\d+)/m.exec(await metrics());
  return m ? Number(m[1]) : Number.NaN;
}

/** Each of the instance's processes' resident memory (bytes) by process name (read-plane, next), from its Prometheus metrics. */
export async function processRss(metrics: () => Promise<string>): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const m of (await metrics()).matchAll(/^tickethub_process_resident_memory_bytes\{process="([^"]+)"\} (\d+)/gm)) out[m[1]!] = Number(m[2]);
  return out;
}

/**
 * A process's resident memory (bytes) from /proc (Linux), for when /api/metrics cannot say: the read
 * plane waits 2 s for the Next server's figures, and a Next server busy with thousands of apps may take longer.
 */
export function procRss(pid: number | undefined): number {
  if (!pid) return Number.NaN;
  try {
    return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1]) * 1024;
  } catch {
    return Number.NaN;
  }
}

const TICK_HZ = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;

/** utime + stime of a process, in seconds (0 when it is gone). */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(f[11]) + Number(f[12])) / TICK_HZ;
  } catch {
    return 0;
  }
}

/** What a paced run measured: latencies in ms (microsecond resolution), and what failed. */
export type PacedRun = { rate: number; p50: number; p99: number; max: number; sent: number; non2xx: number; errors: number };

/**
 * GETs `url` at an even `rate` (requests/s) for `seconds`, open loop: request i is due at
 * start + i/rate and leaves when the client's timer next fires (at most once a millisecond, so two
 * may leave together), whether or not earlier ones were answered, over up to `connections`
 * keep-alive sockets. Each latency is timed from its send to its last byte (the client's own
 * lateness is not counted); only 2xx answers are in the latencies, the rest are counted apart.
 * autocannon's `overallRate` is not that: each connection sends its share of a second as fast as it
 * can when the second starts, then waits (lib/httpClient.js: `reqsMadeThisSecond`, reset by a 1 s
 * interval), so its p99 "at 1,000/s" is that of a ~30 ms burst at full speed once a second (with its
 * coordinated-omission correction on top: lib/run.js `recordValueWithExpectedInterval`).
 */
export async function pacedLoad(
  url: string,
  headers: Record<string, string>,
  opts: { rate: number; seconds: number; connections?: number },
): Promise<PacedRun> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.connections ?? 10, scheduling: "fifo" });
  const total = Math.round(opts.rate * opts.seconds);
  const latencies: number[] = [];
  let non2xx = 0;
  let errors = 0;
  let sent = 0;
  let done = 0;
  const target = new URL(url);
  const start = performance.now();
  await new Promise<void>((resolve) => {
    if (total <= 0) return resolve();
    const send = () => {
      const at = performance.now();
      // Once per request, whichever comes first: its end, its socket closing before that, an error.
      let counted = false;
      const count = (outcome: "ok" | "non2xx" | "error") => {
        if (counted) return;
        counted = true;
        if (outcome === "ok") latencies.push(performance.now() - at);
        else if (outcome === "non2xx") non2xx++;
        else errors++;
        if (++done === total) resolve();
      };
      const req = http.get({ host: target.hostname, port: target.port, path: target.pathname + target.search, headers, agent }, (res) => {
        res.resume();
        res.on("end", () => count(res.statusCode! >= 200 && res.statusCode! <= 299 ? "ok" : "non2xx"));
        res.on("close", () => count("error"));
        res.on("error", () => count("error"));
      });
      req.setTimeout(10_000, () => req.destroy(new Error("no answer within 10 s")));
      req.on("error", () => count("error"));
    };
    const tick = () => {
      const due = Math.min(total, Math.floor(((performance.now() - start) * opts.rate) / 1000) + 1);
      while (sent < due) {
        sent++;
        send();
      }
      if (sent < total) setTimeout(tick, Math.max(0, (sent * 1000) / opts.rate - (performance.now() - start)));
    };
    tick();
  });
  agent.destroy();
  const seconds = (performance.now() - start) / 1000;
  return {
    rate: total / seconds,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    max: latencies.length ? Math.max(...latencies) : Number.NaN,
    sent: total,
    non2xx,
    errors,
  };
}
