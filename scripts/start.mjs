// `npm run demo` / `npm start`: prepares (scripts/prepare.ts, in a child process: configuration,
// migrations, demo apps, the build), then runs the vendor sandbox (unless TICKETHUB_SANDBOX=off) and
// the instance (its read plane, which runs the Next.js server), and stops them together.
// `--prepare-only` stops after the preparation (for running instances by hand, or in a Docker build).
//
// This supervisor stays up as long as the instance, so it is plain JavaScript under plain Node: no
// TypeScript loader, database client or bundler stays loaded in it (it was ~250 MiB with them; now
// what Node itself takes). Everything that needs them runs in the preparation child, which exits.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const log = (msg) => console.log(`[tickethub] ${msg}`);

// 1. Prepare, in a child that exits; it writes what to run into a file of this run's own.
const planDir = mkdtempSync(path.join(os.tmpdir(), "tickethub-start-"));
const planFile = path.join(planDir, "plan.json");
const prepared = spawnSync(process.execPath, ["--conditions=react-server", "--import", "tsx", path.join(root, "scripts/prepare.ts")], {
  cwd: root,
  env: { ...process.env, TICKETHUB_START_PLAN: planFile },
  stdio: "inherit",
});
let plan;
try {
  /** @type {import("./prepare").StartPlan} */
  plan = JSON.parse(readFileSync(planFile, "utf8"));
} catch {
  plan = null;
}
rmSync(planDir, { recursive: true, force: true });
if (prepared.status !== 0 || !plan) process.exit(prepared.status || 1);
if (process.argv.includes("--prepare-only")) {
  log("prepared (migrations, demo apps, build); not starting servers (--prepare-only)");
  process.exit(0);
}

// 2. Processes.
/** @type {import("node:child_process").ChildProcess[]} */
const children = [];
let stopping = false;
/** @param {number} code */
function stop(code) {
  if (stopping) return;
  stopping = true;
  /** @param {NodeJS.Signals} sig */
  const signal = (sig) => {
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

/**
 * @param {string} name
 * @param {string[]} args
 * @param {NodeJS.ProcessEnv} env
 */
function run(name, args, env) {
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

const sandboxUp = () =>
  fetch(`${plan.sandbox.url}/__sandbox/stats`).then(
    (r) => r.ok,
    () => false,
  );
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };
if (plan.sandbox.start) {
  run("sandbox", plan.sandbox.args, {
    ...env,
    SANDBOX_PORT: String(plan.sandbox.port),
    // The sandbox remembers what it issued across restarts, as a vendor does (sandbox/persist.ts).
    SANDBOX_STATE_FILE: plan.sandbox.stateFile,
  });
  const deadline = Date.now() + 15_000;
  while (!(await sandboxUp())) {
    if (stopping) await new Promise(() => {});
    if (Date.now() > deadline) {
      console.error(`[tickethub] the vendor sandbox did not answer on ${plan.sandbox.url}`);
      stop(1);
      await new Promise(() => {});
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}
if (plan.sandbox.enabled && !plan.sandbox.start && !(await sandboxUp()))
  log(`warning: TICKETHUB_SANDBOX=external but nothing answers on ${plan.sandbox.url} (npm run sandbox starts it)`);
// The instance: its read plane owns the port and runs the Next server behind it (scripts/read-plane.ts).
// With glibc's malloc at most two arenas (unless set otherwise): each thread that allocates (V8's
// collector and compiler threads, libuv's pool) otherwise gets arenas of its own, and what they
// free stays resident in them. 3,000 apps through a simulated hour with a dashboard open
// (bench/scale.ts): the Next server's RSS climbed to 281 MiB with the default, 257-268 MiB with two.
// Other C libraries ignore it.
run("instance", plan.instanceArgs, { ...env, MALLOC_ARENA_MAX: env.MALLOC_ARENA_MAX ?? "2" });
log(`dashboard: http://localhost:${plan.port}  (database: ${plan.where}${plan.sandbox.enabled ? `, vendor sandbox: ${plan.sandbox.url}` : ""})`);
