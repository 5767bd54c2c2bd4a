// After the whole e2e run, every Ticket Hub started by a test is searched for plaintext secrets,
// tokens and tickets: its SQLite files and everything it (and its sandbox) logged. Each stack
// records what to search when it stops; e2e/global-teardown.ts does the searching.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";

export type SweepRecord = { name: string; dataDir: string; log: string; values: string[] };

let n = 0;

export async function issuedBy(sandboxUrl: string): Promise<string[]> {
  try {
    const res = await fetch(`${sandboxUrl}/__sandbox/issued`, { signal: AbortSignal.timeout(2_000) });
    return res.ok ? ((await res.json()) as { values: string[] }).values : [];
  } catch {
    return [];
  }
}

export function recordForSweep(record: SweepRecord): void {
  const dir = process.env.TICKETHUB_SWEEP_DIR;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, `${process.pid}-${++n}.json`), JSON.stringify(record));
}
