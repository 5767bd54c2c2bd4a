// GET /api/audit with If-None-Match against a real database, counting every SQL statement Prisma
// sends (as app/api/credentials/route.test.ts does for the credential list).
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PrismaClient } from "@/generated/sqlite/client";
import { startHarness, type Harness } from "@/test-support/engine-harness";

type AuditList = { serverTime: string; events: { id: string; action: string; target: string | null }[] };

describe("GET /api/audit: 304 from memory while no row was added", () => {
  let h: Harness;
  let queries: string[] = [];
  let cookie = "";
  let GET: (req: Request, ctx: unknown) => Promise<Response>;
  let observe: () => Promise<void>;
  let db: PrismaClient;

  beforeAll(async () => {
    h = await startHarness("sqlite");
    const { getDb } = await import("@/server/db");
    await getDb().$disconnect();
    const counted = new PrismaClient({ adapter: new PrismaBetterSqlite3({ url: process.env.DATABASE_URL! }), log: [{ emit: "event", level: "query" }] });
    counted.$on("query", (e) => queries.push(e.query));
    db = counted as unknown as PrismaClient;
    (globalThis as { tickethubDb?: unknown }).tickethubDb = db;

    const user = await db.user.create({ data: { username: "viewer3", passwordHash: "x", role: "viewer" } });
    const { createSession } = await import("@/server/auth/session");
    cookie = `th_session=${(await createSession(user.id)).token}`;
    ({ GET } = await import("./route"));
    const { pollOnce } = await import("@/server/fast/read-cache");
    const { readChangesNow, watchChanges } = await import("@/server/live/changes");
    observe = async () => {
      await watchChanges();
      await pollOnce();
      await readChangesNow();
    };
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  const get = async (search: string, etag?: string) => {
    await observe();
    queries = [];
    const res = await GET(new Request(`http://127.0.0.1/api/audit${search}`, { headers: { cookie, ...(etag ? { "if-none-match": etag } : {}) } }), {});
    return { res, queries: [...queries] };
  };
  const addRow = (target: string) => db.auditEvent.create({ data: { actor: "op", action: "credential.refresh", target, outcome: "ok", detail: null } });

  it("answers 304 without a query while no row was added, with the server's time, and the new log once one is", async () => {
    await addRow("c1");
    const first = await get("?limit=200");
    expect(first.res.status).toBe(200);
    const etag = first.res.headers.get("etag")!;
    expect(etag).toMatch(/^".+"$/);
    expect(((await first.res.json()) as AuditList).events.map((e) => e.target)).toContain("c1");

    const again = await get("?limit=200", etag);
    expect(again.res.status).toBe(304);
    expect(again.queries).toEqual([]);
    expect(Date.parse(again.res.headers.get("x-server-time")!)).toBeGreaterThan(0);

    // Another instance (or this one) adds a row: the audit stamp moves.
    await new Promise((r) => setTimeout(r, 5)); // a newer `at` than the last row's
    await addRow("c2");
    const changed = await get("?limit=200", etag);
    expect(changed.res.status).toBe(200);
    expect(changed.res.headers.get("etag")).not.toBe(etag);
    expect(((await changed.res.json()) as AuditList).events[0]!.target).toBe("c2");
  });

  it("keeps one answer per query: another target's log is not the same ETag", async () => {
    const all = await get("?limit=200");
    const one = await get("?limit=200&target=c1");
    expect(one.res.status).toBe(200);
    expect(((await one.res.json()) as AuditList).events.every((e) => e.target === "c1")).toBe(true);
    const etag = all.res.headers.get("etag")!;
    expect((await get("?limit=200&target=c1", etag)).res.status).toBe(200);
    expect((await get("?limit=200", etag)).res.status).toBe(304);
  });
});
