// Starts Ticket Hub the way a user does (the start script: migrations, seed, sandbox, Next)
// on free ports with its own data folder, and stops it again.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort } from "../../scripts/lib/postgres";
import { issuedBy, recordForSweep } from "./leak-sweep";

const root = path.resolve(import.meta.dirname, "../..");

export type Stack = {
  baseUrl: string;
  sandboxUrl: string;
  dataDir: string;
  env: Record<string, string>;
  /** The start script's process id: every process of the stack (server, sandbox) descends from it. */
  pid: number;
  output: () => string;
  stop: () => Promise<void>;
  /** The instance's processes (start script, read plane, Next server; not the sandbox), e.g. to SIGSTOP them all. */
  pids: () => number[];
};

export type StackOptions = { dataDir?: string; port?: number; sandboxPort?: number; env?: Record<string, string> };

export function spawnStart(env: Record<string, string>): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [path.join(root, "scripts/start.mjs")], {
    cwd: root,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
  return { child, output: () => out, exited };
}

export async function startStack(opts: StackOptions = {}): Promise<Stack> {
  const env: Record<string, string> = { ...opts.env };
  env.PORT ??= String(opts.port ?? (await freePort()));
  env.SANDBOX_PORT ??= String(opts.sandboxPort ?? (await freePort()));
  env.TICKETHUB_DATA_DIR ??= opts.dataDir ?? mkdtempSync(path.join(os.tmpdir(), "tickethub-e2e-"));
  const port = Number(env.PORT);
  const sandboxPort = Number(env.SANDBOX_PORT);
  const dataDir = env.TICKETHUB_DATA_DIR;
  const { child, output, exited } = spawnStart(env);
  const baseUrl = `http://127.0.0.1:${port}`;
  let done = false;
  exited.then(() => (done = true));
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (done) throw new Error(`Ticket Hub exited during start:\n${output()}`);
    if (Date.now() > deadline) throw new Error(`Ticket Hub did not become healthy in 90 s:\n${output()}`);
    const ok = await fetch(`${baseUrl}/api/health`, { signal: AbortSignal.timeout(3_000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    baseUrl,
    sandboxUrl: `http://127.0.0.1:${sandboxPort}`,
    dataDir,
    env,
    pid: child.pid!,
    output,
    pids: () => [child.pid!, ...instancePids(output())],
    stop: async () => {
      if (!done && child.pid) {
        const values = await issuedBy(`http://127.0.0.1:${sandboxPort}`);
        exited.then(() => recordForSweep({ name: `stack ${baseUrl}`, dataDir, log: output(), values }));
        try {
          process.kill(-child.pid, "SIGTERM");
        } catch {
          /* already gone */
        }
        await exited;
      }
    },
  };
}

export type SandboxStats = {
  calls: Record<string, number>;
  /** Each call since the last reset, by endpoint: when (the sandbox's clock, ms) and whether it was answered with a value. */
  callLog: Record<string, { at: number; ok: boolean }[]>;
  inFlightMax: Record<string, number>;
};

export async function sandboxStats(sandboxUrl: string): Promise<SandboxStats> {
  return (await fetch(`${sandboxUrl}/__sandbox/stats`)).json();
}

/** The read plane's and the Next server's pids, from the line the read plane logs when it listens. */
export function instancePids(output: string): number[] {
  const m = [...output.matchAll(/processes: read-plane (\d+) .*?, next (\d+)/g)].at(-1);
  return m ? [Number(m[1]), Number(m[2])] : [];
}
