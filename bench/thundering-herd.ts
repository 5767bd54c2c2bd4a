// Thundering herd: 1,000 concurrent cold reads of one ticket spread over 3 instances on one
// database → upstream calls (must be exactly 1 token + 1 ticket) and the time until every read is
// answered. The scheduler is off so that the token and the ticket are cold when the herd arrives.
//
// The client holds its connections open, as a consuming service's HTTP client does: 334 kept-alive
// sockets per instance are opened before the clock starts (with unauthenticated reads, answered 401
// without touching the credential). Opening 1,000 connections with fetch() inside the timed window
// measured the load generator more than Ticket Hub: on a loaded 2-core machine, fetch() alone took
// 6–7 s for 1,000 requests to a bare Node server answering a constant. The same client, against a
// bare Node server answering the same JSON, is timed in the same run: the floor of this machine.
// Usage: node --conditions=react-server --import tsx bench/thundering-herd.ts [postgres]
import http from "node:http";
import type { AddressInfo } from "node:net";
import { startCluster } from "../e2e/support/cluster";
import { sandboxStats } from "../e2e/support/stack";
import { startPostgres } from "../scripts/lib/postgres";
import { fmt, machine, wechatKey } from "./lib";

const REQUESTS = 1_000;
const PATH = "/api/v1/apps/wechat/wx000000000000demo/jsapi_ticket";

type Answer = { status: number; body: string };

/** GET `url` over `agent`'s kept-alive sockets. */
function get(agent: http.Agent, url: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent, headers }, (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (d: string) => (body += d));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on("error", reject);
  });
}

/** One kept-alive agent per origin, with `sockets` connections already open. */
async function warmAgent(origin: string, sockets: number): Promise<http.Agent> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets });
  await Promise.all(Array.from({ length: sockets }, () => get(agent, `${origin}${PATH}`)));
  return agent;
}

/** `REQUESTS` concurrent reads, round robin over the origins; wall-clock ms until the last answer. */
async function herd(
  agents: { origin: string; agent: http.Agent }[],
  headers: Record<string, string>,
): Promise<{ ms: number; answers: (Answer & { ms: number })[]; startedAt: number }> {
  const startedAt = Date.now();
  const t0 = performance.now();
  const answers = await Promise.all(
    Array.from({ length: REQUESTS }, async (_, i) => {
      const a = agents[i % agents.length]!;
      const answer = await get(a.agent, `${a.origin}${PATH}`, headers);
      return { ...answer, ms: performance.now() - t0 };
    }),
  );
  return { ms: performance.now() - t0, answers, startedAt };
}

/** The same herd against bare Node http servers (one per instance) answering `body`: the client's and machine's own time. */
async function bareFloor(instances: number, body: string): Promise<number> {
  const servers = await Promise.all(
    Array.from({ length: instances }, async () => {
      const server = http.createServer((_, res) => {
        res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
        res.end(body);
      });
      await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
      return server;
    }),
  );
  try {
    const agents = await Promise.all(
      servers.map(async (s) => {
        const origin = `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
        return { origin, agent: await warmAgent(origin, Math.ceil(REQUESTS / instances)) };
      }),
    );
    const { ms } = await herd(agents, {});
    for (const a of agents) a.agent.destroy();
    return ms;
  } finally {
    for (const s of servers) s.close();
  }
}

export async function benchThunderingHerd(usePostgres = process.argv.includes("postgres")): Promise<string> {
  const pg = usePostgres ? await startPostgres() : null;
  const cluster = await startCluster({ instances: 3, databaseUrl: pg ? await pg.createDatabase("herd") : undefined, env: { TICKETHUB_SCHEDULER: "off" } });
  try {
    const key = await wechatKey(cluster.instances[0]!.url);
    const agents = await Promise.all(
      cluster.instances.map(async (inst) => ({ origin: inst.url, agent: await warmAgent(inst.url, Math.ceil(REQUESTS / cluster.instances.length)) })),
    );
    await fetch(`${cluster.sandboxUrl}/__sandbox/reset`, { method: "POST" });
    const { ms, answers, startedAt } = await herd(agents, { authorization: `Bearer ${key}` });
    for (const a of agents) a.agent.destroy();
    if (process.env.HERD_DEBUG) {
      // Where the time went: each instance's refresh log lines and its first and last answer, in ms from the start.
      cluster.instances.forEach((inst, i) => {
        const mine = answers.filter((_, j) => j % cluster.instances.length === i).map((a) => a.ms);
        const refreshes = [...inst.output().matchAll(/\[refresh\] \S+ (\S+ \S+) gen \d+ .*? at (\S+)$/gm)].map(
          (m) => `${m[1]} +${Date.parse(m[2]!) - startedAt} ms`,
        );
        console.error(`[herd] ${inst.name}: answers ${fmt(Math.min(...mine))}–${fmt(Math.max(...mine))} ms; refreshes: ${refreshes.join(", ") || "none"}`);
      });
    }
    const stats = await sandboxStats(cluster.sandboxUrl);
    const token = stats.calls["wechat /cgi-bin/token"] ?? 0;
    const ticket = stats.calls["wechat /cgi-bin/ticket/getticket"] ?? 0;
    const ok = answers.filter((a) => a.status === 200);
    const values = new Set(ok.map((a) => (JSON.parse(a.body) as { value: string }).value));
    const floor = await bareFloor(cluster.instances.length, ok[0]?.body ?? "{}");
    const db = pg ? "PostgreSQL" : "SQLite";
    return [
      `### Thundering herd (${db})`,
      "",
      `${fmt(REQUESTS)} concurrent cold \`GET ${PATH}\` over 3 instances on ${db}, scheduler off, over connections the client opened beforehand: **${ok.length} × 200 in ${fmt(ms)} ms** (goal ≤ 1,500 ms), ${values.size} distinct value(s) served. The same client against 3 bare Node servers answering the same JSON: ${fmt(floor)} ms (this machine's floor).`,
      "",
      `Upstream calls: **${token} token + ${ticket} ticket** (goal: exactly 1 + 1); in flight at once: token ${stats.inFlightMax["wechat /cgi-bin/token"] ?? 0}, ticket ${stats.inFlightMax["wechat /cgi-bin/ticket/getticket"] ?? 0}.`,
    ].join("\n");
  } finally {
    await cluster.stop();
    pg?.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(`machine: ${machine()}\n`);
  console.log(await benchThunderingHerd());
}
