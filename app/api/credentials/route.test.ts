// GET /api/credentials with If-None-Match against a real database, counting every SQL statement
// Prisma sends (test-support/counted-route.ts).
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type CountedRoute, type RouteGet, startCountedRoute } from "@/test-support/counted-route";

describe("GET /api/credentials: 304 from memory while nothing changed", () => {
  let r: CountedRoute;
  let GET: RouteGet;

  beforeAll(async () => {
    r = await startCountedRoute("viewer1");
    ({ GET } = await import("./route"));
  }, 120_000);
  afterAll(async () => {
    vi.useRealTimers();
    await r?.close();
  });

  const get = (etag?: string, search = "") => r.get(GET, `/api/credentials${search}`, etag);
  it("answers 304 without a query when nothing changed, and 200 with a new ETag after a change", async () => {
    const first = await get();
    expect(first.res.status).toBe(200);
    expect(first.queries.length).toBeGreaterThan(0); // the counter sees the session and list queries
    const etag = first.res.headers.get("etag")!;
    expect(etag).toMatch(/^".+"$/);
    const list = (await first.res.json()) as { credentials: { id: string; lastError: unknown }[] };

    const again = await get(etag);
    expect(again.res.status).toBe(304);
    expect(again.queries).toEqual([]);
    expect(again.res.headers.get("etag")).toBe(etag);
    expect(Date.parse(again.res.headers.get("x-server-time")!)).toBeGreaterThan(0);
    expect(await again.res.text()).toBe("");

    // A refresh stores a new value (a new generation: the read cache's stamp moves).
    const { refreshCredential } = await import("@/server/tickets/refresh-credential");
    const target = list.credentials[0]!.id;
    expect((await refreshCredential({ credentialId: target, reason: "test" })).ok).toBe(true);
    const changed = await get(etag);
    expect(changed.res.status).toBe(200);
    let etag2 = changed.res.headers.get("etag")!;
    expect(etag2).not.toBe(etag);
    expect(((await changed.res.json()) as { credentials: { id: string; generation: number }[] }).credentials.find((c) => c.id === target)!.generation).toBe(1);
    // A new token also renews the tickets fetched with it, in the background: once the database
    // is quiet again, the new list is answered from memory.
    let quiet = await get(etag2);
    for (let i = 0; i < 20 && quiet.queries.length > 0; i++) {
      await new Promise((done) => setTimeout(done, 100));
      etag2 = quiet.res.headers.get("etag")!;
      quiet = await get(etag2);
    }
    expect(quiet.res.status).toBe(304);
    expect(quiet.queries).toEqual([]);

    // A failure recorded without a new generation (the stamp of the read cache does not move).
    await r.db.credential.update({ where: { id: target }, data: { lastError: "40013 invalid appid", consecutiveFailures: 1, status: "failing" } });
    const failed = await get(etag2);
    expect(failed.res.status).toBe(200);
    expect(failed.res.headers.get("etag")).not.toBe(etag2);
    expect(((await failed.res.json()) as { credentials: { id: string; status: string }[] }).credentials.find((c) => c.id === target)!.status).toBe("failing");
  });

  it("answers each page of the overview with its own ETag, and a 304 for it without a query", async () => {
    type Answer = { credentials: { id: string }[]; totals: Record<string, number>; page: { number: number; matching: number; pages: number } };
    const one = await get(undefined, "?limit=1");
    expect(one.res.status).toBe(200);
    const first = (await one.res.json()) as Answer;
    expect(first.credentials).toHaveLength(1);
    expect(first.page.pages).toBe(first.page.matching);
    expect(first.page.matching).toBeGreaterThan(1);
    // The totals count every credential, not the page.
    expect(Object.values(first.totals).reduce((a, b) => a + b, 0)).toBe(first.page.matching);
    const two = await get(undefined, "?limit=1&page=2");
    const second = (await two.res.json()) as Answer;
    expect(second.page.number).toBe(2);
    expect(second.credentials[0]!.id).not.toBe(first.credentials[0]!.id);
    expect(two.res.headers.get("etag")).not.toBe(one.res.headers.get("etag"));

    let etag = two.res.headers.get("etag")!;
    let again = await get(etag, "?limit=1&page=2");
    // Renewals started by the other test may still be landing: once quiet, the page comes from memory.
    for (let i = 0; i < 20 && again.res.status !== 304; i++) {
      await new Promise((done) => setTimeout(done, 100));
      etag = (await get(undefined, "?limit=1&page=2")).res.headers.get("etag")!;
      again = await get(etag, "?limit=1&page=2");
    }
    expect(again.res.status).toBe(304);
    expect(again.queries).toEqual([]);
    // The same ETag names nothing on another page.
    expect((await get(etag, "?limit=1&page=1")).res.status).toBe(200);
  });

  it("refuses a query it does not know with a problem naming the parameter, on the 304 path too", async () => {
    const { res: ok } = await get();
    const etag = ok.headers.get("etag")!;
    for (const [search, detail] of [
      ["?page=0", "page: must be a whole number from 1 to 1000000"],
      ["?health=sick", "health: must be one of"],
      ["?sort=name", "sort: unknown parameter (allowed: page, limit, q, vendor, health, app)"],
    ] as const) {
      const { res } = await get(etag, search);
      expect(res.status, search).toBe(400);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
      expect(((await res.json()) as { detail: string }).detail).toContain(detail);
    }
  });

  it("does not answer from memory for a session it has not seen, nor without a session", async () => {
    const first = await get();
    const etag = first.res.headers.get("etag")!;
    await r.reset();
    const anonymous = await GET(new Request("http://127.0.0.1/api/credentials", { headers: { "if-none-match": etag } }), {});
    expect(anonymous.status).toBe(401);
    const stranger = await GET(new Request("http://127.0.0.1/api/credentials", { headers: { cookie: "th_session=not-a-session", "if-none-match": etag } }), {});
    expect(stranger.status).toBe(401);
    expect(r.queries.length).toBeGreaterThan(0); // both were checked in the database
  });

  it("stops answering from memory when a value in the list expires (its status turns 'expired')", async () => {
    const first = await get();
    const etag = first.res.headers.get("etag")!;
    const body = (await first.res.json()) as { credentials: { current: { expiresAt: string } | null }[] };
    const soonest = Math.min(...body.credentials.flatMap((c) => (c.current ? [Date.parse(c.current.expiresAt)] : [])));
    expect(Number.isFinite(soonest), JSON.stringify(body).slice(0, 600)).toBe(true);
    vi.useFakeTimers({ toFake: ["Date"], now: soonest + 1_000 });
    const later = await get(etag);
    expect(later.queries.length).toBeGreaterThan(0);
    expect(later.res.status).toBe(200);
    expect(later.res.headers.get("etag")).not.toBe(etag);
    vi.useRealTimers();
  });

  it("answers a tab that heard of a change this instance has not read yet from the database, not with a 304 from memory", async () => {
    const { freshTopics } = await import("@/server/live/changes");
    type Listed = { credentials: { id: string; lastError: unknown }[] };
    let first = await get();
    let etag = first.res.headers.get("etag")!;
    // Renewals started by the other tests may still be landing: wait until the list is answered from memory.
    for (let i = 0; i < 30 && (await get(etag)).res.status !== 304; i++) {
      await new Promise((done) => setTimeout(done, 100));
      first = await get();
      etag = first.res.headers.get("etag")!;
    }
    const target = ((await first.res.json()) as Listed).credentials[0]!.id;
    const heardBefore = `credentials=${freshTopics()!.credentials}`;
    // Another instance writes, and tells a tab through its stream; this one has not polled since
    // (the clock is held, so its stamps stay fresh for the whole test, however busy the machine).
    await r.reset();
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() });
    await r.db.credential.update({ where: { id: target }, data: { lastError: "40001 invalid credential" } });
    r.queries.length = 0;
    const ask = (heard?: string) =>
      GET(
        new Request("http://127.0.0.1/api/credentials", {
          headers: { cookie: r.cookie, "if-none-match": etag, ...(heard ? { "x-tickethub-heard": heard } : {}) },
        }),
        {},
      );
    // A tab that names no stamp (or one this instance has seen) is confirmed from memory, as before.
    expect((await ask()).status).toBe(304);
    expect((await ask(heardBefore)).status).toBe(304);
    expect(r.queries).toEqual([]);
    // Each part of the stamp on its own: an instance that has seen both (in other pairs) knows it.
    const [cachePart, extraPart] = freshTopics()!.credentials.split(".");
    expect((await ask(`credentials=${heardBefore.split("=")[1]!.split(".")[0]}.${extraPart}`)).status).toBe(304);
    expect((await ask(`credentials=${cachePart}.unseenpart000`)).status).toBe(200);
    r.queries.length = 0;
    // A tab that heard a stamp this instance has not seen gets the list as the database has it.
    const told = await ask("credentials=heardelsewhere0000,audit=x");
    expect(told.status).toBe(200);
    expect(JSON.stringify(((await told.json()) as Listed).credentials.find((c) => c.id === target)!.lastError)).toContain("40001 invalid credential");
    vi.useRealTimers();
  });
});
