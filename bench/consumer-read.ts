// Consumer read throughput and latency: Ticket Hub's GET /api/v1/apps/…/jsapi_ticket (fast path,
// and with the read cache off, the Next route handler) against a bare Node http server answering
// the same JSON from memory, one after the other with the same load generator (autocannon).
// Usage: node --conditions=react-server --import tsx bench/consumer-read.ts [seconds]
import http from "node:http";
import type { AddressInfo } from "node:net";
import autocannon from "autocannon";
import { startStack } from "../e2e/support/stack";
import { fmt, machine, wechatKey } from "./lib";

const seconds = Number(process.argv[2] ?? 10);
const CONNECTIONS = 20;

type Run = { rps: number; p50: number; p99: number; non2xx: number; errors: number };

async function load(url: string, headers: Record<string, string>, opts: { overallRate?: number } = {}): Promise<Run> {
  const r = await autocannon({ url, headers, connections: opts.overallRate ? 10 : CONNECTIONS, duration: seconds, overallRate: opts.overallRate });
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx, errors: r.errors };
}

export async function benchConsumerRead(): Promise<string> {
  const stacks = { fast: await startStack(), route: await startStack({ env: { TICKETHUB_READ_CACHE: "off" } }) };
  try {
    const path = "/api/v1/apps/wechat/wx000000000000demo/jsapi_ticket";
    const keys = { fast: await wechatKey(stacks.fast.baseUrl), route: await wechatKey(stacks.route.baseUrl) };
    // Warm up, and keep one answer as the bare server's body.
    let body = "";
    for (let i = 0; i < 50; i++) body = await (await fetch(`${stacks.fast.baseUrl}${path}`, { headers: { authorization: `Bearer ${keys.fast}` } })).text();
    const viaFast = (await fetch(`${stacks.fast.baseUrl}${path}`, { headers: { authorization: `Bearer ${keys.fast}` } })).headers.get("x-tickethub-path");
    if (viaFast !== "fast") throw new Error(`expected the fast path to answer, got ${viaFast}`);

    const bare = http.createServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
      res.end(body);
    });
    await new Promise<void>((r) => bare.listen(0, "127.0.0.1", r));
    const bareUrl = `http://127.0.0.1:${(bare.address() as AddressInfo).port}${path}`;
    try {
      const results = {
        bare: await load(bareUrl, {}),
        fast: await load(`${stacks.fast.baseUrl}${path}`, { authorization: `Bearer ${keys.fast}` }),
        route: await load(`${stacks.route.baseUrl}${path}`, { authorization: `Bearer ${keys.route}` }),
        fastAt1000: await load(`${stacks.fast.baseUrl}${path}`, { authorization: `Bearer ${keys.fast}` }, { overallRate: 1000 }),
      };
      const ratio = results.fast.rps / results.bare.rps;
      const row = (name: string, r: Run) => `| ${name} | ${fmt(r.rps)} | ${fmt(r.p50, 1)} | ${fmt(r.p99, 1)} | ${r.non2xx + r.errors} |`;
      const lines = [
        `### Consumer read (\`GET ${path}\`)`,
        "",
        `${seconds} s per run, autocannon in the same process, ${CONNECTIONS} connections (10 for the fixed-rate run).`,
        "",
        "| server | requests/s | p50 ms | p99 ms | errors |",
        "|---|---:|---:|---:|---:|",
        row("bare Node `http`, same JSON from memory", results.bare),
        row("Ticket Hub, fast path (cache hit)", results.fast),
        row("Ticket Hub, route handler (`TICKETHUB_READ_CACHE=off`)", results.route),
        row("Ticket Hub, fast path at a fixed 1,000 requests/s", results.fastAt1000),
        "",
        `Fast path / bare Node: **${fmt(ratio * 100)} %** (goal ≥ 50 %). p99 at 1,000 requests/s: **${fmt(results.fastAt1000.p99, 1)} ms** (goal ≤ 10 ms).`,
      ];
      return lines.join("\n");
    } finally {
      bare.close();
    }
  } finally {
    await stacks.fast.stop();
    await stacks.route.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(`machine: ${machine()}\n`);
  console.log(await benchConsumerRead());
}
