// Several Ticket Hub instances on one database behind no load balancer (each on its own port),
// with one vendor sandbox, optionally on a shared fast clock. Each instance is its read plane (the
// process that owns the port, as `npm start` runs it) and the Next server it runs as a child: killing
// the read plane (even with SIGKILL) takes the Next server down with it.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort } from "../../scripts/lib/postgres";
import { serveArgs } from "../../scripts/lib/serve-args";
import { issuedBy, recordForSweep } from "./leak-sweep";
import { instancePids } from "./stack";

const root = path.resolve(import.meta.dirname, "../..");

export type Instance = {
  name: string;
  url: string;
  child: ChildProcess;
  output: () => string;
  kill: (signal?: NodeJS.Signals) => Promise<void>;
  /** Starts the instance again after a kill: same name, port and settings; resolves once it is healthy. */
  restart: () => Promise<void>;
  /** The instance's processes (read plane, Next server). */
  pids: () => number[];
};
export type Cluster = {
  sandboxUrl: string;
  instances: Instance[];
  env: Record<string, string>;
  stop: () => Promise<void>;
};

function spawnLogged(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  return { child, output: () => out, exited };
}

async function waitFor(url: string, what: string, output: () => string, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (
      await fetch(url, { signal: AbortSignal.timeout(2_000) }).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not answer on ${url}:\n${output()}`);
}

export async function startCluster(opts: {
  instances: number;
  databaseUrl?: string;
  env?: Record<string, string>;
  /** Settings for one instance only (e.g. a wrong clock), by index. */
  instanceEnv?: (index: number) => Record<string, string>;
  timeScale?: number;
}): Promise<Cluster> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "tickethub-cluster-"));
  const sandboxPort = await freePort();
  const epoch = String(Date.now());
  const scale = String(opts.timeScale ?? 1);
  const env: Record<string, string> = {
    TICKETHUB_DATA_DIR: dataDir,
    TICKETHUB_SECRET_KEY: "22".repeat(32),
    SANDBOX_PORT: String(sandboxPort),
    TICKETHUB_SANDBOX: "external",
    TICKETHUB_TIME_SCALE: scale,
    TICKETHUB_TIME_EPOCH: epoch,
    SANDBOX_TIME_SCALE: scale,
    SANDBOX_TIME_EPOCH: epoch,
    ...(opts.databaseUrl ? { DATABASE_URL: opts.databaseUrl } : {}),
    ...opts.env,
  };
  const sandbox = spawnLogged(["--conditions=react-server", "--import", "tsx", path.join(root, "sandbox/main.ts")], env);
  const sandboxUrl = `http://127.0.0.1:${sandboxPort}`;
  await waitFor(`${sandboxUrl}/__sandbox/stats`, "the sandbox", sandbox.output);

  // Migrations, demo apps and the build once, as an operator would before starting instances.
  const prep = spawnSync(process.execPath, [path.join(root, "scripts/start.mjs"), "--prepare-only"], {
    cwd: root,
    env: { ...process.env, ...env },
    encoding: "utf8",
  });
  if (prep.status !== 0) throw new Error(`prepare failed:\n${prep.stdout}${prep.stderr}`);

  const instances: Instance[] = [];
  const logs: (() => string)[] = [];
  for (let i = 0; i < opts.instances; i++) {
    const port = await freePort();
    const name = `instance-${i + 1}`;
    // Two malloc arenas, as scripts/start.mjs runs an instance (startStack runs that script): the
    // multi-instance tests and the herd benchmark then measure what it runs.
    const instanceEnv = {
      ...env,
      MALLOC_ARENA_MAX: env.MALLOC_ARENA_MAX ?? process.env.MALLOC_ARENA_MAX ?? "2",
      PORT: String(port),
      TICKETHUB_INSTANCE_ID: name,
      TICKETHUB_LOG_REFRESHES: "on",
      ...opts.instanceEnv?.(i),
    };
    let p = spawnLogged(serveArgs(root, port), instanceEnv);
    logs.push(() => p.output());
    const url = `http://127.0.0.1:${port}`;
    const instance: Instance = {
      name,
      url,
      child: p.child,
      output: () => p.output(),
      pids: () => instancePids(p.output()),
      kill: async (signal = "SIGTERM") => {
        const pids = instancePids(p.output());
        if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill(signal);
        await p.exited;
        // The Next server follows its read plane within moments (at once on its IPC channel's close).
        const alive = (pid: number) => {
          try {
            process.kill(pid, 0);
            return true;
          } catch {
            return false;
          }
        };
        for (const deadline = Date.now() + 10_000; pids.some(alive) && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 20));
      },
      restart: async () => {
        p = spawnLogged(serveArgs(root, port), instanceEnv);
        logs.push(() => p.output());
        instance.child = p.child;
        await waitFor(`${url}/api/health`, name, p.output);
      },
    };
    instances.push(instance);
    await waitFor(`${url}/api/health`, name, p.output);
  }
  return {
    sandboxUrl,
    instances,
    env,
    stop: async () => {
      const values = await issuedBy(sandboxUrl);
      await Promise.all(instances.map((i) => i.kill("SIGTERM")));
      sandbox.child.kill("SIGTERM");
      await sandbox.exited;
      recordForSweep({ name: `cluster ${dataDir}`, dataDir, log: [sandbox.output(), ...logs.map((l) => l())].join("\n"), values });
    },
  };
}
