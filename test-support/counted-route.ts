// A dashboard list route against a real database (SQLite) whose every SQL statement is counted
// (the client's `query` log events, which Prisma 7 emits with driver adapters too): for the tests
// that a `304` from memory asks the database nothing (app/api/credentials, alerts, audit, nonce).
import type { Db } from "@/server/db";
import { swapInCountingClient } from "./counting-db";
import { startHarness, type Harness } from "./engine-harness";

export type RouteGet = (req: Request, ctx: unknown) => Promise<Response>;

export type CountedRoute = {
  h: Harness;
  /** The process's database client, every statement of which is counted. */
  db: Db;
  /** The signed-in user's session cookie. */
  cookie: string;
  /** The statements sent since the last `reset` (or `get`). */
  queries: string[];
  /** What the running server does every 250 ms / 500 ms with a dashboard open (reads the read cache's stamp, and the live stamps), then forgets the statements counted so far. */
  reset: () => Promise<void>;
  /** GET `path` as the signed-in user (with `If-None-Match: etag` when given): the answer and the statements it cost. */
  get: (GET: RouteGet, path: string, etag?: string) => Promise<{ res: Response; queries: string[] }>;
  close: () => Promise<void>;
};

/** A route against a fresh database with the demo apps, and a signed-in user `username` (a viewer unless `role` says otherwise). */
export async function startCountedRoute(username: string, role: "viewer" | "operator" = "viewer"): Promise<CountedRoute> {
  const h = await startHarness("sqlite");
  // Replace the process's client by one whose every statement is counted.
  const queries: string[] = [];
  const { db } = await swapInCountingClient((s) => queries.push(s.query));

  const user = await db.user.create({ data: { username, passwordHash: "x", role } });
  const { createSession } = await import("@/server/auth/session");
  const cookie = `th_session=${(await createSession(user.id)).token}`;
  const { pollOnce } = await import("@/server/fast/read-cache");
  const { readChangesNow, watchChanges } = await import("@/server/live/changes");
  const observe = async () => {
    await watchChanges(); // a dashboard is open: the stamps are watched
    await pollOnce();
    await readChangesNow();
  };
  const reset = async () => {
    await observe();
    queries.length = 0;
  };
  const get: CountedRoute["get"] = async (GET, path, etag) => {
    await reset();
    const res = await GET(new Request(`http://127.0.0.1${path}`, { headers: { cookie, ...(etag ? { "if-none-match": etag } : {}) } }), {});
    return { res, queries: [...queries] };
  };
  return { h, db, cookie, queries, reset, get, close: () => h.close() };
}
