import "server-only";
import { Worker } from "node:worker_threads";

/**
 * SQLite in WAL mode appends each commit to the write-ahead log, and copies the log back into the
 * database file (a checkpoint) in whichever connection commits the transaction that takes the log
 * past 1,000 pages: inside that commit, on that connection's thread. better-sqlite3 runs on the
 * event loop, so a checkpoint (copying up to 4 MB of pages, then syncing the database file) held
 * the Next server's event loop for ~10-50 ms inside an ordinary write, a few times a minute with
 * 3,000 apps: a refresh's lease or its vendor call's record, and the scheduler's timers waited
 * (bench/scale.ts: statements over 5 ms in the Next server 399 → 169 in one run each, their time
 * 4.1 s → 1.5 s). So a worker thread with a connection of its own checkpoints the log every
 * CHECKPOINT_EVERY_MS instead: PASSIVE, so it never waits for, nor holds up, a reader or a writer
 * (what a reader still uses is copied at a later round).
 *
 * The process's connection still checkpoints itself, but only past CEILING_PAGES (40 MB of log at
 * 4 KiB pages), which the worker's rounds keep it far below: the log starts over only when a write
 * begins right after a checkpoint that copied all of it, and with writes landing during every
 * round of the worker that might not happen for long; and should the worker's rounds fail, the log
 * still cannot grow without end. Should the worker stop (it cannot open the file, say), the
 * connection checkpoints at SQLite's default again.
 */
export const CHECKPOINT_EVERY_MS = 500;
export const CEILING_PAGES = 10_000;
const SQLITE_DEFAULT_PAGES = 1_000;

/** The part of a better-sqlite3 connection this needs. */
export type Connection = { name: string; pragma(source: string, options?: { simple: boolean }): unknown };

export type Round = { busy: boolean; log: number; checkpointed: number };

const WORKER = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require("better-sqlite3");
const db = new Database(workerData.file, { fileMustExist: true, timeout: 0 });
const round = () => {
  try {
    // busy: another connection (another process's worker) is checkpointing: this round is skipped.
    const [r] = db.pragma("wal_checkpoint(PASSIVE)");
    parentPort.postMessage({ type: "round", busy: r.busy === 1, log: r.log, checkpointed: r.checkpointed });
  } catch (err) {
    const code = String(err && err.code);
    if (code.startsWith("SQLITE_BUSY")) parentPort.postMessage({ type: "round", busy: true, log: -1, checkpointed: -1 });
    // Anything else (the file unreadable for a while) is said, and the next round tries again.
    else parentPort.postMessage({ type: "failed", message: String(err && err.message) });
  }
};
parentPort.on("message", (m) => { if (m === "now") round(); });
setInterval(round, workerData.everyMs);
`;

let anotherProcessCheckpoints = false;

/**
 * For a process that shares its database file with another process of the same instance which
 * checkpoints it (the read plane, whose Next server does): its connections start no worker, and
 * checkpoint themselves only past CEILING_PAGES. A worker is a V8 isolate of its own (~5-10 MiB),
 * and the read plane writes little (an API key's last use, a cold read's refresh). Not SQLite's
 * default of 1,000 pages: the read plane's rare commits would then carry the checkpoints, and the
 * consumer reads would wait behind them. Should the other process's worker stop, that process's
 * connection checkpoints at the default again, and this one's ceiling still bounds the log.
 * Call it before the process opens its database.
 */
export function leaveCheckpointsToAnotherProcess(leave = true): void {
  anotherProcessCheckpoints = leave;
}

export type Checkpointer = {
  /** Runs a round now (tests); resolves with its outcome, or rejects when the worker has stopped. */
  now(): Promise<Round>;
  stop(): Promise<void>;
};

/**
 * Moves most of `connection`'s checkpoints to a worker thread (above). Returns a handle to stop it
 * (the connection is being closed), or null when there is no write-ahead log to checkpoint (an
 * in-memory database, a file not in WAL mode) or no worker could be started.
 */
export function checkpointInBackground(connection: Connection, everyMs = CHECKPOINT_EVERY_MS): Checkpointer | null {
  if (!connection.name || connection.name === ":memory:") return null;
  // A worker whose connection first saw the file in rollback mode would never checkpoint it.
  if (connection.pragma("journal_mode", { simple: true }) !== "wal") return null;
  if (anotherProcessCheckpoints) {
    connection.pragma(`wal_autocheckpoint=${CEILING_PAGES}`);
    return null;
  }
  let worker: Worker;
  try {
    worker = new Worker(WORKER, { eval: true, workerData: { file: connection.name, everyMs } });
  } catch (err) {
    console.error(`[sqlite] no background checkpoints (${err instanceof Error ? err.message : String(err)}); the connection checkpoints the log itself`);
    return null;
  }
  worker.unref();
  connection.pragma(`wal_autocheckpoint=${CEILING_PAGES}`);
  let stopped = false;
  const waiting: { resolve: (r: Round) => void; reject: (err: Error) => void }[] = [];
  let saidAt = Number.NEGATIVE_INFINITY;
  worker.on("message", (m: ({ type: "round" } & Round) | { type: "failed"; message: string }) => {
    if (m.type === "round") for (const w of waiting.splice(0)) w.resolve({ busy: m.busy, log: m.log, checkpointed: m.checkpointed });
    else if (Date.now() - saidAt > 600_000) {
      // Once in ten minutes at most: it recurs every round while it lasts.
      saidAt = Date.now();
      console.error(`[sqlite] a background checkpoint failed (${m.message}); trying again every ${everyMs} ms`);
    }
  });
  const inline = (why: string) => {
    for (const w of waiting.splice(0)) w.reject(new Error(`background checkpoints stopped: ${why}`));
    if (stopped) return;
    stopped = true;
    try {
      connection.pragma(`wal_autocheckpoint=${SQLITE_DEFAULT_PAGES}`);
    } catch {
      // the connection is closed already: nothing to restore
    }
    console.error(`[sqlite] background checkpoints stopped (${why}); the connection checkpoints the log itself again`);
  };
  worker.on("error", (err) => inline(err instanceof Error ? err.message : String(err)));
  worker.on("exit", (code) => inline(`the worker exited with code ${code}`));
  return {
    now: () =>
      new Promise((resolve, reject) => {
        if (stopped) return reject(new Error("background checkpoints stopped"));
        waiting.push({ resolve, reject });
        worker.postMessage("now");
      }),
    stop: async () => {
      stopped = true;
      await worker.terminate();
    },
  };
}
