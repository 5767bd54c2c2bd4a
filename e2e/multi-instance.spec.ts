import { expect, test } from "@playwright/test";
import { startPostgres, type PgCluster } from "../scripts/lib/postgres";
import { startCluster, type Cluster } from "./support/cluster";
import { sandboxStats } from "./support/stack";

// Simulated seconds per real second: 24 h in 144 s. Faster scales squeeze FaceID's 60 s overlap
// below the time a loaded machine needs to commit a new token (50 ms at 1200×), which says
// nothing about production but fails the "never served expired" check.
const SCALE = 600;
const HOURS = 24;
// Each instance's host clock is wrong by this much (real ms): 90 s is 15 simulated hours at 600×.
// Leases, due refreshes and expiry are judged on the database's clock, so nothing may change.
const CLOCK_OFFSETS_MS = [-90_000, 0, 90_000];
const instanceEnv = (i: number) => ({ TICKETHUB_TEST_CLOCK_OFFSET_MS: String(CLOCK_OFFSETS_MS[i] ?? 0) });

/** Policy minimum for 24 h, as [min, max] allowing for the jitter each policy has. */
const EXPECTED: Record<string, { every: [number, number]; label: string }> = {
  "faceid /api/oauth2/access_token": { every: [1200, 1200], label: "FaceID token (every 20 min)" },
  "faceid /api/oauth2/api_ticket": { every: [1200, 1200], label: "FaceID SIGN (with its token)" },
  "wechat /cgi-bin/token": { every: [4800 - 216, 4800 + 216], label: "WeChat token (2/3 of 7200 s ± 3%)" },
  "feishu /open-apis/auth/v3/tenant_access_token/internal": { every: [5700 - 120, 5700 + 120], label: "Feishu token (at 25 min left ± 2 min)" },
  "feishu /open-apis/jssdk/ticket/get": { every: [4800 - 216, 4800 + 216], label: "Feishu JSAPI ticket" },
  "yzb /OAuth2/accessToken": { every: [4800 - 216, 4800 + 216], label: "yzb token" },
  "yzb /OAuth2/ticket": { every: [4800 - 216, 4800 + 216], label: "yzb js_ticket" },
};

async function runDay(cluster: Cluster) {
  // Start counting once every instance runs; the first fetches happened during start-up.
  await fetch(`${cluster.sandboxUrl}/__sandbox/reset`, { method: "POST" });
  const windowMs = (HOURS * 3600 * 1000) / SCALE;
  const t0 = Date.now();
  let served = 0;
  let refused = 0;
  const expired: string[] = [];
  // Meanwhile, clients read tokens and tickets through every instance's proxy and ask the vendor at once whether they are valid.
  while (Date.now() - t0 < windowMs) {
    for (const inst of cluster.instances) {
      const p = `${inst.url}/api/proxy`;
      // Each value is judged by the vendor as of the moment the instance served it.
      // biome-ignore lint/suspicious/noExplicitAny: vendor bodies of several shapes, read field by field
      const served_ = async (url: string, pick: (b: Record<string, any>) => unknown, what: string) => {
        const res = await fetch(url);
        const body = await res.json();
        const at = res.headers.get("x-tickethub-served-at");
        // The proxy answers as FaceID does: HTTP 200 with a non-zero `code` for an error.
        if (!res.ok || (body.code !== undefined && String(body.code) !== "0")) {
          // Refused (e.g. a token used after its overlap ended): nothing was served.
          refused++;
          return body;
        }
        served++;
        const v = await (
          await fetch(`${cluster.sandboxUrl}/__sandbox/valid`, { method: "POST", body: JSON.stringify({ vendor: "faceid", value: String(pick(body)), at }) })
        ).json();
        if (!v.valid) expired.push(`${inst.name} served an invalid ${what} at ${at}: ${JSON.stringify(body).slice(0, 200)}`);
        return body;
      };
      const t = await served_(
        `${p}/faceid/api/oauth2/access_token?app_id=IDAdemo1&secret=demo-faceid-secret&grant_type=client_credential&version=1.0.0`,
        (b) => b.access_token,
        "token",
      );
      await served_(
        `${p}/faceid/api/oauth2/api_ticket?app_id=IDAdemo1&access_token=${encodeURIComponent(String(t.access_token))}&type=SIGN&version=1.0.0`,
        (b) => b.tickets?.[0]?.value,
        "SIGN ticket",
      );
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  const stats = await sandboxStats(cluster.sandboxUrl);
  const elapsedHours = ((Date.now() - t0) * SCALE) / 3600_000;
  return { stats, served, refused, expired, elapsedHours };
}

function report(label: string, run: Awaited<ReturnType<typeof runDay>>) {
  const lines = [
    `${label}: ${run.elapsedHours.toFixed(2)} simulated hours, 3 instances with host clocks off by ${CLOCK_OFFSETS_MS.map((o) => `${o / 1000} s`).join(", ")}, ${run.served} values served and checked with the vendor, ${run.refused} requests refused`,
  ];
  for (const [endpoint, e] of Object.entries(EXPECTED)) {
    const calls = run.stats.calls[endpoint] ?? 0;
    // FaceID's api_ticket count includes the NONCE-free SIGN refreshes only (no NONCE is issued here).
    const min = Math.floor((run.elapsedHours * 3600) / e.every[1]);
    const max = Math.floor((run.elapsedHours * 3600) / e.every[0]) + 1;
    const log = run.stats.callLog[endpoint] ?? [];
    const failed = log.filter((c) => !c.ok).length;
    // The shortest gaps between calls answered with a value, in simulated seconds: where a count above the policy came from.
    const ok = log.filter((c) => c.ok).map((c) => c.at);
    const gaps = ok.slice(1).map((at, i) => Math.round((at - ok[i]!) / 1000));
    const shortest = [...gaps].sort((a, b) => a - b).slice(0, 3);
    lines.push(
      `  ${e.label.padEnd(40)} calls ${String(calls).padStart(3)}  policy ${min}–${max}  inFlightMax ${run.stats.inFlightMax[endpoint] ?? 0}  failed ${failed}  shortest gaps ${shortest.join(", ")} s`,
    );
  }
  console.log(lines.join("\n"));
}

function check(run: Awaited<ReturnType<typeof runDay>>) {
  expect(run.expired).toEqual([]);
  for (const [endpoint, e] of Object.entries(EXPECTED)) {
    const calls = run.stats.calls[endpoint] ?? 0;
    const min = Math.floor((run.elapsedHours * 3600) / e.every[1]);
    // A window of n intervals holds n refreshes, or n + 1 when one falls on each edge.
    const max = Math.floor((run.elapsedHours * 3600) / e.every[0]) + 1;
    expect(calls, e.label).toBeGreaterThanOrEqual(min);
    expect(calls, e.label).toBeLessThanOrEqual(max);
  }
  for (const [endpoint, n] of Object.entries(run.stats.inFlightMax)) expect(n, `inFlightMax ${endpoint}`).toBe(1);
}

test.describe("three instances through 24 simulated hours", () => {
  test.setTimeout(300_000);

  test("on SQLite, with host clocks 90 s apart: every credential refreshed at its policy's rate, once, never served expired", async () => {
    const cluster = await startCluster({ instances: 3, timeScale: SCALE, instanceEnv });
    try {
      const run = await runDay(cluster);
      report("SQLite", run);
      if (process.env.DEBUG_REFRESHES)
        for (const i of cluster.instances)
          console.log(
            i
              .output()
              .split("\n")
              // DEBUG_REFRESHES=1: the FaceID token's refreshes; any other value: the lines it matches (a regular expression).
              .filter((l) => new RegExp(process.env.DEBUG_REFRESHES === "1" ? "faceid access_token" : process.env.DEBUG_REFRESHES!, "i").test(l))
              .join("\n"),
          );
      check(run);
    } finally {
      await cluster.stop();
    }
  });

  test("on PostgreSQL, with host clocks 90 s apart: the same", async () => {
    let pg: PgCluster | undefined;
    let cluster: Cluster | undefined;
    try {
      pg = await startPostgres();
      cluster = await startCluster({ instances: 3, timeScale: SCALE, databaseUrl: await pg.createDatabase("tickethub_multi"), instanceEnv });
      const run = await runDay(cluster);
      report("PostgreSQL", run);
      check(run);
    } finally {
      await cluster?.stop();
      pg?.stop();
    }
  });
});
