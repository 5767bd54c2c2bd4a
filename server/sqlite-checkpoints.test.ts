// SQLite copies its write-ahead log back into the database file (a checkpoint) inside the commit
// that takes the log past 1,000 pages, on the committing connection's thread: for Ticket Hub, the
// event loop. These tests hold the connection to never doing that itself, and the worker thread to
// doing it instead.
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it, vi } from "vitest";
import { checkpointInBackground, type Checkpointer } from "./sqlite-checkpoints";

describe("checkpoints in a worker thread", () => {
  let dir = "";
  let db: Database.Database | null = null;
  let checkpoints: Checkpointer | null = null;
  afterEach(async () => {
    await checkpoints?.stop();
    db?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("a commit past 1,000 pages of log leaves the copy to the worker, which makes it", async () => {
    dir = mkdtempSync(path.join(tmpdir(), "tickethub-ckpt-"));
    const file = path.join(dir, "t.db");
    db = new Database(file);
    db.pragma("journal_mode = WAL");
    db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, body BLOB)");
    // Rounds only when asked (an hour apart otherwise): what happens in between is the connection's own doing.
    checkpoints = checkpointInBackground(db, 3_600_000);
    expect(checkpoints).not.toBeNull();
    expect(db.pragma("wal_autocheckpoint", { simple: true })).toBe(0);
    const insert = db.prepare("INSERT INTO t (body) VALUES (?)");
    // ~6 MB in 1,500 commits: the log passes 1,000 pages (4 MB at 4 KiB) after about 1,000 of them.
    for (let i = 0; i < 1_500; i++) insert.run(Buffer.alloc(4_000, i % 251));
    const size = () => statSync(file).size;
    // Nothing was copied back by the commits: the data is in the log only.
    expect(statSync(`${file}-wal`).size).toBeGreaterThan(5_000_000);
    expect(size()).toBeLessThan(1_000_000);
    const round = await checkpoints!.now();
    expect(round.log).toBeGreaterThan(1_000);
    expect(round.checkpointed).toBe(round.log);
    expect(size()).toBeGreaterThan(5_000_000);
    expect(db.prepare("SELECT COUNT(*) AS n FROM t").get()).toEqual({ n: 1_500 });
  });

  it("a worker that cannot run hands the checkpoints back to the connection", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const pragmas: string[] = [];
    // A file that does not exist: the worker cannot open it.
    const connection = { name: path.join(tmpdir(), "tickethub-no-such-dir", "t.db"), pragma: (p: string) => pragmas.push(p) };
    checkpoints = checkpointInBackground(connection, 50);
    await vi.waitFor(() => expect(pragmas).toEqual(["wal_autocheckpoint=0", "wal_autocheckpoint=1000"]), { timeout: 10_000 });
    expect(errors.mock.calls.flat().join(" ")).toMatch(/background checkpoints stopped/);
    errors.mockRestore();
  });

  it("an in-memory database has no log to copy: no worker", () => {
    db = new Database(":memory:");
    expect(checkpointInBackground(db)).toBeNull();
    expect(db.pragma("wal_autocheckpoint", { simple: true })).toBe(1000);
  });
});
