// Test harness: a real database (SQLite file or a throwaway PostgreSQL cluster), migrated with
// the committed migrations, plus the vendor sandbox as a real HTTP server on a free port.
// In test-support/, not server/: it wires server code to scripts/ and sandbox/, and is shared by the
// tests of server/tickets, server/proxy and server/vendors; nothing outside tests imports it.
import { applyMigrations } from "@/scripts/lib/migrations";
import { startPostgres, type PgCluster } from "@/scripts/lib/postgres";
import { createSandbox } from "@/sandbox/server";
import { listenOnLoopback } from "./loopback";
import { tempDataDir, pointEnvAt } from "./test-db";

export type Harness = {
  sandboxUrl: string;
  sandbox: ReturnType<typeof createSandbox>;
  stats: () => Promise<{ calls: Record<string, number>; inFlightMax: Record<string, number> }>;
  control: (path: string, body?: unknown) => Promise<unknown>;
  close: () => Promise<void>;
};

export async function startHarness(provider: "sqlite" | "postgresql"): Promise<Harness> {
  const { dataDir, url: sqliteUrl } = tempDataDir();
  let cluster: PgCluster | null = null;
  let url = sqliteUrl;
  if (provider === "postgresql") {
    cluster = await startPostgres();
    url = await cluster.createDatabase("tickethub_test");
  }
  pointEnvAt(url, dataDir, { TICKETHUB_UPSTREAM_TIMEOUT_MS: "1500" });
  await applyMigrations(url);

  const sandbox = createSandbox();
  const listening = await listenOnLoopback(sandbox.server);
  const sandboxUrl = listening.origin;
  const control = async (p: string, body?: unknown) => (await fetch(`${sandboxUrl}${p}`, { method: "POST", body: JSON.stringify(body ?? {}) })).json();

  const { getDb } = await import("@/server/db");
  const { seedDemoApps } = await import("@/server/apps/seed-demo-apps");
  await seedDemoApps(getDb(), sandboxUrl);

  return {
    sandboxUrl,
    sandbox,
    control,
    stats: async () => (await fetch(`${sandboxUrl}/__sandbox/stats`)).json(),
    close: async () => {
      await listening.close();
      await getDb().$disconnect();
      cluster?.stop();
    },
  };
}

/** Fetches a value for every credential of the demo WeChat app (token first, then its tickets), as the scheduler would; throws if one fails. */
export async function fetchWechatValues(): Promise<void> {
  const db = (await import("@/server/db")).getDb();
  const { refreshCredential } = await import("@/server/tickets/refresh-credential");
  for (const c of await db.credential.findMany({ where: { app: { vendor: "wechat" } }, orderBy: { kind: "asc" } })) {
    const outcome = await refreshCredential({ credentialId: c.id, reason: "test" });
    if (!outcome.ok) throw new Error(`could not fetch ${c.kind}: ${JSON.stringify(outcome)}`);
  }
}

/** Records a successful call of app `appRef` to a WeChat `endpoint` begun `at`, that no credential row shows (a proxied call): it counts in the app's quota for today. */
export async function recordWechatCall(appRef: string, endpoint: string, at = new Date()): Promise<void> {
  const { vendorDay } = await import("@/lib/vendor-day");
  await (await import("@/server/db")).getDb().upstreamCall.create({
    data: { appRef, vendor: "wechat", endpoint, method: "GET", day: vendorDay(at), startedAt: at, latencyMs: 1, httpStatus: 200 },
  });
}
