// Shared helpers of the benchmarks: the machine they ran on, a signed-in admin, an API key.
import { execFileSync, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import { apiSession } from "../e2e/support/auth";
import { statFields } from "../e2e/support/procfs";

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
  const f = statFields(`/proc/${pid}/stat`);
  return f ? (Number(f[11]) + Number(f[12])) / TICK_HZ : 0;
}

/** A pause the timer probe saw: when its timer fired (wall-clock ms) and how much later than asked (ms). */
export type ProbePause = { end: number; lateMs: number };
export type ProbeResult = { pauses: ProbePause[]; ticks: number; from: number; to: number };

/**
 * A bare Node process beside the one measured, with nothing to do but a 10 ms interval timer: how
 * late its timers fire is the machine's share of any lateness (the VM descheduling processes, or
 * every process of the run wanting the two cores at once), as bare Node's answers are for the
 * consumer read. `stop` answers every pause over `minMs` it saw and the stretch it watched
 * (wall clock, as the instance's log lines say it); `kill` ends it whatever happened.
 */
export function startTimerProbe(minMs = 20): { stop(): Promise<ProbeResult>; kill(): void } {
  const source = `
    const pauses = []; let ticks = 0; let last = performance.now(); const from = Date.now();
    const timer = setInterval(() => {
      const t = performance.now(); const late = t - last - 10; ticks++;
      if (late > ${minMs}) pauses.push({ end: Date.now(), lateMs: Math.round(late) });
      last = t;
    }, 10);
    process.on("disconnect", () => process.exit(0));
    process.on("message", () => { clearInterval(timer); process.send({ pauses, ticks, from, to: Date.now() }, () => process.disconnect()); });`;
  const child = spawn(process.execPath, ["-e", source], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  let failed: Error | null = null;
  child.on("error", (err) => (failed = err));
  return {
    stop: () =>
      new Promise((resolve, reject) => {
        if (failed || child.exitCode !== null || !child.connected) {
          reject(failed ?? new Error(`the timer probe is gone (exit ${child.exitCode})`));
          return;
        }
        const timeout = setTimeout(() => {
          child.kill();
          reject(new Error("the timer probe did not answer within 5 s"));
        }, 5_000);
        child.once("message", (m) => {
          clearTimeout(timeout);
          resolve(m as ProbeResult);
        });
        child.once("exit", (code) => {
          clearTimeout(timeout);
          reject(new Error(`the timer probe exited (${code}) before it answered`));
        });
        child.send("stop", (err) => {
          if (err) {
            clearTimeout(timeout);
            reject(err);
          }
        });
      }),
    kill: () => {
      if (child.exitCode === null) child.kill();
    },
  };
}

/** What a paced run measured: latencies in ms (microsecond resolution, each 2xx answer's), and what failed. */
export type PacedRun = { rate: number; p50: number; p99: number; max: number; sent: number; non2xx: number; errors: number; latencies: number[] };

/**
 * GETs `url` at an even `rate` (requests/s) for `seconds`, open loop: request i is due at
 * start + i/rate and leaves when the client's timer next fires (at most once a millisecond, so two
 * may leave together), whether or not earlier ones were answered, over up to `connections`
 * keep-alive connections (one request at a time on each, as a browser or an SDK sends them; one
 * due while all are busy waits for the first free one). Each latency is timed from the tick that
 * found the request due to its last byte (the timer's own lateness is not counted; a wait for a
 * free connection is); only 2xx answers are in the latencies, the rest are counted apart.
 *
 * The client is the `net` module and a minimal HTTP/1.1 response reader (status line, then a
 * `content-length` or a chunked body), not Node's `http` client, whose per-request objects and
 * their collections showed in the p99: a bare Node server with nothing else running, 10 s runs
 * alternated, p99 through this client 0.6-3.9 ms (8 runs, median 1.1), through `http.get`
 * 1.5-4.6 ms (9 runs, median 1.9); undici's Pool 2.5-6.4 ms (3 runs).
 * autocannon's `overallRate` is not that either: each connection sends its share of a second as
 * fast as it can when the second starts, then waits (lib/httpClient.js: `reqsMadeThisSecond`, reset
 * by a 1 s interval), so its p99 "at 1,000/s" is that of a ~30 ms burst at full speed once a second
 * (with its coordinated-omission correction on top: lib/run.js `recordValueWithExpectedInterval`).
 */
export async function pacedLoad(
  url: string,
  headers: Record<string, string>,
  opts: { rate: number; seconds: number; connections?: number },
): Promise<PacedRun> {
  const target = new URL(url);
  if (target.protocol !== "http:") throw new Error(`pacedLoad speaks plain HTTP only, not ${target.protocol}`);
  const connections = opts.connections ?? 10;
  if (!(connections >= 1)) throw new Error("pacedLoad needs at least one connection");
  const port = Number(target.port || 80);
  const request = Buffer.from(
    `GET ${target.pathname}${target.search} HTTP/1.1\r\nhost: ${target.host}\r\n${Object.entries(headers)
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join("")}\r\n`,
  );
  const total = Math.round(opts.rate * opts.seconds);
  const latencies: number[] = [];
  let non2xx = 0;
  let errors = 0;
  let sent = 0;
  let done = 0;
  /** Send times of requests due while every connection was busy, oldest first. */
  const waiting: number[] = [];
  /** One connection: the request on it (its send time), what it has read of the answer. */
  type Conn = { socket: net.Socket | null; at: number | null; buf: Buffer; untilClose: number; timer?: ReturnType<typeof setTimeout> };
  let finish = () => {};
  const finished = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const answered = (status: number) => (status >= 200 && status <= 299 ? "ok" : "non2xx");
  const settle = (conn: Conn, outcome: "ok" | "non2xx" | "error") => {
    const at = conn.at;
    if (at === null) return;
    conn.at = null;
    clearTimeout(conn.timer);
    if (outcome === "ok") latencies.push(performance.now() - at);
    else if (outcome === "non2xx") non2xx++;
    else errors++;
    if (++done === total) finish();
    const next = waiting.shift();
    if (next !== undefined) write(conn, next);
  };
  const connect = (conn: Conn) => {
    const socket = net.connect(port, target.hostname);
    socket.setNoDelay(true);
    conn.socket = socket;
    conn.buf = Buffer.alloc(0);
    conn.untilClose = 0;
    socket.on("data", (chunk: Buffer) => {
      conn.buf = conn.buf.length ? Buffer.concat([conn.buf, chunk]) : chunk;
      const headEnd = conn.buf.indexOf("\r\n\r\n");
      if (headEnd < 0) return;
      const head = conn.buf.toString("latin1", 0, headEnd);
      const status = Number(head.slice(9, 12));
      const length = /\r\ncontent-length: *(\d+)/i.exec(head);
      let end: number;
      // No body after these (a 1xx is not expected here).
      if (status < 200 || status === 204 || status === 304) end = headEnd + 4;
      else if (length) end = headEnd + 4 + Number(length[1]);
      else if (/\r\ntransfer-encoding: *chunked/i.test(head)) {
        const last = conn.buf.indexOf("\r\n0\r\n\r\n", headEnd + 2);
        end = last < 0 ? Number.POSITIVE_INFINITY : last + 7;
      } else {
        end = Number.POSITIVE_INFINITY;
        conn.untilClose = status; // the body ends when the server closes (see lost)
      }
      if (conn.buf.length < end) return;
      conn.buf = conn.buf.subarray(end);
      if (/\r\nconnection: *close/i.test(head)) {
        conn.socket = null; // the next request on this slot opens a new connection
        socket.destroy();
      }
      settle(conn, answered(status));
    });
    const lost = () => {
      if (conn.socket !== socket) return;
      conn.socket = null;
      // An answer whose body ran until the close is whole now; anything else cut short is an error.
      const status = conn.untilClose;
      conn.untilClose = 0;
      settle(conn, status ? answered(status) : "error");
    };
    // The server closed its side (an idle keep-alive timeout): no request goes out on it again.
    socket.on("end", () => {
      if (conn.socket === socket && conn.at === null) conn.socket = null;
    });
    socket.on("error", lost);
    socket.on("close", lost);
  };
  const write = (conn: Conn, at: number) => {
    if (!conn.socket || conn.socket.destroyed || !conn.socket.writable) {
      conn.socket?.destroy();
      connect(conn);
    }
    conn.at = at;
    conn.timer = setTimeout(() => conn.socket?.destroy(new Error("no answer within 10 s")), 10_000);
    conn.socket!.write(request);
  };
  const conns: Conn[] = Array.from({ length: connections }, () => ({ socket: null, at: null, buf: Buffer.alloc(0), untilClose: 0 }));
  for (const conn of conns) connect(conn);
  const closeAll = () => {
    for (const conn of conns) conn.socket?.destroy();
  };
  await Promise.all(
    conns.map(
      (c) =>
        new Promise((resolve, reject) => {
          c.socket!.once("connect", resolve);
          c.socket!.once("error", reject);
        }),
    ),
  ).catch((err) => {
    closeAll();
    throw err;
  });
  const start = performance.now();
  const tick = () => {
    const due = Math.min(total, Math.floor(((performance.now() - start) * opts.rate) / 1000) + 1);
    while (sent < due) {
      sent++;
      const at = performance.now();
      const free = conns.find((c) => c.at === null);
      if (free) write(free, at);
      else waiting.push(at);
    }
    if (sent < total) setTimeout(tick, Math.max(0, (sent * 1000) / opts.rate - (performance.now() - start)));
  };
  if (total > 0) {
    tick();
    await finished;
  }
  closeAll();
  const seconds = (performance.now() - start) / 1000;
  return {
    rate: total / seconds,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    max: latencies.length ? Math.max(...latencies) : Number.NaN,
    sent: total,
    non2xx,
    errors,
    latencies,
  };
}
