// Thundering herd: 1,000 concurrent cold reads of one ticket spread over 3 instances on one
// database → upstream calls (must be exactly 1 token + 1 ticket). The scheduler is off so that
// the token and the ticket are cold when the herd arrives.
// Usage: node --conditions=react-server --import tsx bench/thundering-herd.ts [postgres]
import { startCluster } from "../e2e/support/cluster";
import { sandboxStats } from "../e2e/support/stack";
import { startPostgres } from "../scripts/lib/postgres";
import { fmt, machine, wechatKey } from "./lib";

const REQUESTS = 1_000;

export async function benchThunderingHerd(usePostgres = process.argv.includes("postgres")): Promise<string> {
  const pg = usePostgres ? await startPostgres() : null;
  const cluster = await startCluster({ instances: 3, databaseUrl: pg ? await pg.createDatabase("herd") : undefined, env: { TICKETHUB_SCHEDULER: "off" } });
  try {
    const key = await wechatKey(cluster.instances[0]!.url);
    await fetch(`${cluster.sandboxUrl}/__sandbox/reset`, { method: "POST" });
    const path = "/api/v1/apps/wechat/wx000000000000demo/jsapi_ticket";
    const t0 = performance.now();
    const answers = await Promise.all(
      Array.from({ length: REQUESTS }, async (_, i) => {
        const inst = cluster.instances[i % cluster.instances.length]!;
        const res = await fetch(`${inst.url}${path}`, { headers: { authorization: `Bearer ${key}` } });
        return { status: res.status, body: res.ok ? ((await res.json()) as { value: string; generation: number }) : null };
      }),
    );
    const ms = performance.now() - t0;
    const stats = await sandboxStats(cluster.sandboxUrl);
    const token = stats.calls["wechat /cgi-bin/token"] ?? 0;
    const ticket = stats.calls["wechat /cgi-bin/ticket/getticket"] ?? 0;
    const ok = answers.filter((a) => a.status === 200).length;
    const values = new Set(answers.map((a) => a.body?.value).filter(Boolean));
    return [
      `### Thundering herd (${pg ? "PostgreSQL" : "SQLite"})`,
      "",
      `${fmt(REQUESTS)} concurrent cold \`GET ${path}\` over 3 instances on ${pg ? "PostgreSQL" : "SQLite"}, scheduler off: ${ok} × 200 in ${fmt(ms)} ms, ${values.size} distinct value(s) served.`,
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
