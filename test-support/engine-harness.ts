// Test harness: a real database (SQLite file or a throwaway PostgreSQL cluster), migrated with
// the committed migrations, plus the vendor sandbox as a real HTTP server on a free port.
// In test-support/, not server/: it wires server code to scripts/ and sandbox/, and is shared by the
// tests of server/tickets, server/proxy and server/vendors; nothing outside tests imports it.
import { mkdtempSync } from "node:fs";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { applyMigrations } from "@/scripts/lib/migrations";
import { startPostgres, type PgCluster } from "@/scripts/lib/postgres";
import { createSandbox } from "@/sandbox/server";

export type Harness = {
  sandboxUrl: string;
  sandbox: ReturnType<typeof createSandbox>;
  stats: () => Promise<{ calls: Record<string, number>; inFlightMax: Record<string, number> }>;
  control: (path: string, body?: unknown) => Promise<unknown>;
  close: () => Promise<void>;
};

export async function startHarness(provider: "sqlite" | "postgresql"): Promise<Harness> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "tickethub-test-"));
  let cluster: PgCluster | null = null;
  let url = `file:${path.join(dataDir, "test.db")}`;
  if (provider === "postgresql") {
    cluster = await startPostgres();
    url = await cluster.createDatabase("tickethub_test");
  }
  Object.assign(process.env, {
    DATABASE_URL: url,
    TICKETHUB_DATA_DIR: dataDir,
    TICKETHUB_SECRET_KEY: "11".repeat(32),
    TICKETHUB_UPSTREAM_TIMEOUT_MS: "1500",
  });
  await applyMigrations(url);

  const sandbox = createSandbox();
  await new Promise<void>((r) => sandbox.server.listen(0, "127.0.0.1", r));
  const sandboxUrl = `http://127.0.0.1:${(sandbox.server.address() as AddressInfo).port}`;
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
      sandbox.server.closeAllConnections();
      await new Promise((r) => sandbox.server.close(r));
      await getDb().$disconnect();
      cluster?.stop();
    },
  };
}
