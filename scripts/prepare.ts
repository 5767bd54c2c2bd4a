// The preparation step of `npm run demo` / `npm start` (scripts/start.mjs runs it first, as a child
// of its own, so that the supervisor that stays up afterwards carries none of this): validates the
// configuration, applies migrations, seeds the demo apps and users, builds the dashboard when the
// sources changed and bundles the instance's two processes. Then it hands the supervisor what to
// run, as JSON in the file named by TICKETHUB_START_PLAN (scripts/start.mjs reads it).
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { ConfigError, describeDatabase, parseConfig } from "../server/config";
import { applyMigrations, root } from "./lib/migrations";
import { ensureBuild } from "./lib/build";
import { serveArgs } from "./lib/serve-args";

const log = (msg: string) => console.log(`[tickethub] ${msg}`);
const fail = (msg: string): never => {
  console.error(`[tickethub] ${msg}`);
  process.exit(1);
};

let config: ReturnType<typeof parseConfig>;
try {
  config = parseConfig();
} catch (err) {
  if (err instanceof ConfigError) fail(err.message);
  throw err;
}
mkdirSync(config.dataDir, { recursive: true });

// 1. Database: migrations, then the demo apps.
const where = describeDatabase(config.database);
try {
  const applied = await applyMigrations(config.database.url);
  log(`database ${where}: ${applied.length ? `applied ${applied.join(", ")}` : "up to date"}`);
} catch (err) {
  fail(`cannot prepare the database (${where}): ${(err as Error).message.split("\n")[0]}\n  Check DATABASE_URL.`);
}
{
  const { getDb } = await import("../server/db");
  const db = getDb();
  if (config.database.provider === "sqlite") {
    // WAL lets several processes read while one writes; it persists in the file.
    await db.$queryRawUnsafe("PRAGMA journal_mode=WAL");
  }
  if (config.demo) {
    const { seedDemoApps } = await import("../server/apps/seed-demo-apps");
    const created = await seedDemoApps(db, config.sandbox.url);
    if (created) log(`seeded ${created} demo app(s)`);
  }
  {
    const { seedUsers } = await import("../server/auth/users");
    const users = await seedUsers(db, { demo: config.demo, firstAdmin: config.firstAdmin });
    if (users.length) log(`created user(s): ${users.join(", ")}`);
    if (config.demo) log("demo mode: the sign-in page lists the demo accounts (admin, operator, viewer)");
    else if ((await db.user.count()) === 0)
      log("no users yet: open the dashboard to create the first admin (or set TICKETHUB_ADMIN_USERNAME and TICKETHUB_ADMIN_PASSWORD)");
  }
  await db.$disconnect();
}

// 2. Build when the sources differ from the last build.
if (!ensureBuild(root, log)) fail("next build failed (see above)");

// 3. What the supervisor runs: the sandbox (tsx, from the sources) and the instance (bundled, plain Node).
const planFile = process.env.TICKETHUB_START_PLAN;
if (planFile) {
  const plan: StartPlan = {
    port: config.port,
    where,
    sandbox: {
      start: config.sandbox.start,
      enabled: config.sandbox.enabled,
      port: config.sandbox.port,
      url: config.sandbox.url,
      args: ["--conditions=react-server", "--import", "tsx", path.join(root, "sandbox/main.ts")],
      stateFile: path.join(config.dataDir, "sandbox-state.json"),
    },
    instanceArgs: serveArgs(root, config.port),
    root,
  };
  writeFileSync(planFile, JSON.stringify(plan));
}
process.exit(0);

/** What scripts/start.mjs needs to run the processes (it has no TypeScript, config parsing or database client of its own). */
export type StartPlan = {
  port: number;
  where: string;
  sandbox: { start: boolean; enabled: boolean; port: number; url: string; args: string[]; stateFile: string };
  instanceArgs: string[];
  root: string;
};
