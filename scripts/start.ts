// `npm run demo` / `npm start`: validates the configuration, applies migrations, seeds the demo
// apps, builds the dashboard when the sources changed, then runs the vendor sandbox (unless
// TICKETHUB_SANDBOX=off) and the instance (its read plane, which runs the Next.js server), and stops them together.
// `--prepare-only` stops after the build (for running `next start` instances by hand).
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync } from "node:fs";
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
if (process.argv.includes("--prepare-only")) {
  log("prepared (migrations, demo apps, build); not starting servers (--prepare-only)");
  process.exit(0);
}

// 3. Processes.
const children: ChildProcess[] = [];
let stopping = false;
function stop(code: number) {
  if (stopping) return;
  stopping = true;
  const signal = (sig: NodeJS.Signals) => {
    for (const c of children)
      if (c.pid && c.exitCode === null && c.signalCode === null)
        try {
          process.kill(-c.pid, sig);
        } catch {
          /* gone */
        }
  };
  signal("SIGTERM");
  // Whatever has not stopped after 10 s is killed, so the ports are free when this exits.
  setTimeout(() => {
    signal("SIGKILL");
    setTimeout(() => process.exit(code), 200);
  }, 10_000).unref();
  Promise.all(children.map((c) => (c.exitCode !== null ? null : new Promise((r) => c.once("exit", r))))).then(() => process.exit(code));
}
process.on("SIGINT", () => stop(0));
process.on("SIGTERM", () => stop(0));

function run(name: string, args: string[], env: NodeJS.ProcessEnv) {
  // The child exits by itself if this supervisor dies without stopping it (scripts/lib/exit-with-parent.ts).
  const child = spawn(process.execPath, args, { cwd: root, env: { ...env, TICKETHUB_SUPERVISOR_PID: String(process.pid) }, stdio: "inherit", detached: true });
  children.push(child);
  child.on("exit", (code, signal) => {
    if (stopping) return;
    console.error(`[tickethub] ${name} stopped (${signal ?? `exit ${code}`}); stopping everything`);
    stop(code || 1);
  });
  return child;
}

const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };
if (config.sandbox.start) {
  run("sandbox", ["--conditions=react-server", "--import", "tsx", path.join(root, "sandbox/main.ts")], {
    ...env,
    SANDBOX_PORT: String(config.sandbox.port),
    // The sandbox remembers what it issued across restarts, as a vendor does (sandbox/persist.ts).
    SANDBOX_STATE_FILE: path.join(config.dataDir, "sandbox-state.json"),
  });
  const deadline = Date.now() + 15_000;
  while (
    !(await fetch(`${config.sandbox.url}/__sandbox/stats`).then(
      (r) => r.ok,
      () => false,
    ))
  ) {
    if (stopping) await new Promise(() => {});
    if (Date.now() > deadline) {
      console.error(`[tickethub] the vendor sandbox did not answer on ${config.sandbox.url}`);
      stop(1);
      await new Promise(() => {});
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}
if (config.sandbox.enabled && !config.sandbox.start) {
  const up = await fetch(`${config.sandbox.url}/__sandbox/stats`).then(
    (r) => r.ok,
    () => false,
  );
  if (!up) log(`warning: TICKETHUB_SANDBOX=external but nothing answers on ${config.sandbox.url} (npm run sandbox starts it)`);
}
// The instance: its read plane owns the port and runs the Next server behind it (scripts/read-plane.ts).
run("instance", serveArgs(root, config.port), env);
log(`dashboard: http://localhost:${config.port}  (database: ${where}${config.sandbox.enabled ? `, vendor sandbox: ${config.sandbox.url}` : ""})`);
