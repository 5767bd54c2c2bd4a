// GET /api/audit with If-None-Match against a real database, counting every SQL statement Prisma
// sends (as app/api/credentials/route.test.ts does for the credential list).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CountedRoute, type RouteGet, startCountedRoute } from "@/test-support/counted-route";

type AuditList = { serverTime: string; events: { id: string; action: string; target: string | null }[] };

describe("GET /api/audit: 304 from memory while no row was added", () => {
  let r: CountedRoute;
  let GET: RouteGet;

  beforeAll(async () => {
    r = await startCountedRoute("viewer3");
    ({ GET } = await import("./route"));
  }, 120_000);
  afterAll(async () => {
    await r?.close();
  });

  const get = (search: string, etag?: string) => r.get(GET, `/api/audit${search}`, etag);
  const addRow = (target: string) => r.db.auditEvent.create({ data: { actor: "op", action: "credential.refresh", target, outcome: "ok", detail: null } });

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
    await new Promise((done) => setTimeout(done, 5)); // a newer `at` than the last row's
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
