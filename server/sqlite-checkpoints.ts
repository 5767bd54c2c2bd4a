import "server-only";
import { Worker } from "node:worker_threads";

/**
 * SQLite in WAL mode appends each commit to the write-ahead log, and copies the log back into the
 * database file (a checkpoint) in whichever connection commits the transaction that takes the log
 * past 1,000 pages: inside that commit, on that connection's thread. better-sqlite3 runs on the
 * event loop, so a checkpoint (copying up to 4 MB of pages, then syncing the database file) held
 * the Next server's event loop for ~10-50 ms inside an ordinary write, a few times a minute with
 * 3,000 apps: a refresh's lease or its vendor call's record, and the scheduler's timers waited
 * (bench/scale.ts). So the process's connection checkpoints never itself
 * (`wal_autocheckpoint=0`), and a worker thread with a connection of its own checkpoints the log
 * every CHECKPOINT_EVERY_MS instead: PASSIVE, so it never waits for, nor holds up, a reader or a
 * writer (what a reader still uses is copied at a later round). Should the worker stop (it cannot
 * open the file, say), the connection checkpoints itself again, as SQLite does by default.
 */
export const CHECKPOINT_EVERY_MS = 500;

/** The part of a better-sqlite3 connection this needs. */
type Connection = { name: string; pragma(source: string, options?: { simple: boolean }): unknown };

const WORKER = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require("better-sqlite3");
const db = new Database(workerData.file, { fileMustExist: true, timeout: 0 });
const round = () => {
  try {
    const [r] = db.pragma("wal_checkpoint(PASSIVE)");
    parentPort.postMessage({ type: "round", log: r.log, checkpointed: r.checkpointed });
  } catch (err) {
    // SQLITE_BUSY: another checkpoint is running (another process's): this round is skipped. Anything
    // else (the file is unreadable for a while) is said, and the next round tries again.
    if (!err || err.code !== "SQLITE_BUSY") parentPort.postMessage({ type: "failed", message: String(err && err.message) });
  }
};
parentPort.on("message", (m) => { if (m === "now") round(); });
setInterval(round, workerData.everyMs);
`;

export type Checkpointer = {
  /** Runs a round now (tests); resolves with what the log held and what was copied back. */
  now(): Promise<{ log: number; checkpointed: number }>;
  stop(): Promise<void>;
};

/**
 * Moves `connection`'s checkpoints to a worker thread (above). Returns a handle to stop it (the
 * connection is being closed) or null when the connection is not a file (an in-memory database).
 */
export function checkpointInBackground(connection: Connection, everyMs = CHECKPOINT_EVERY_MS): Checkpointer | null {
  if (!connection.name || connection.name === ":memory:") return null;
  const worker = new Worker(WORKER, { eval: true, workerData: { file: connection.name, everyMs } });
  worker.unref();
  connection.pragma("wal_autocheckpoint=0");
  let stopped = false;
  const waiting: ((r: { log: number; checkpointed: number }) => void)[] = [];
  let saidAt = Number.NEGATIVE_INFINITY;
  worker.on("message", (m: { type: "round"; log: number; checkpointed: number } | { type: "failed"; message: string }) => {
    if (m.type === "round") for (const w of waiting.splice(0)) w({ log: m.log, checkpointed: m.checkpointed });
    else if (Date.now() - saidAt > 600_000) {
      // Once in ten minutes at most: it recurs every round while it lasts.
      saidAt = Date.now();
      console.error(`[sqlite] a background checkpoint failed (${m.message}); trying again every ${everyMs} ms`);
    }
  });
  const inline = (why: string) => {
    if (stopped) return;
    stopped = true;
    try {
      connection.pragma("wal_autocheckpoint=1000");
    } catch {
      // the connection is closed already: nothing to restore
    }
    console.error(`[sqlite] background checkpoints stopped (${why}); the connection checkpoints the log itself again`);
  };
  worker.on("error", (err) => inline(err instanceof Error ? err.message : String(err)));
  worker.on("exit", (code) => inline(`the worker exited with code ${code}`));
  return {
    now: () =>
      new Promise((resolve) => {
        waiting.push(resolve);
        worker.postMessage("now");
      }),
    stop: async () => {
      stopped = true;
      await worker.terminate();
    },
  };
}
