// GET /api/nonce with If-None-Match against a real database, counting every SQL statement Prisma
// sends (test-support/counted-route.ts, as app/api/audit/route.test.ts does for the audit log).
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { type CountedRoute, type RouteGet, startCountedRoute } from "@/test-support/counted-route";

type NonceList = { serverTime: string; nonces: { id: string; usedAt: string | null; expired: boolean }[] };

describe("GET /api/nonce: 304 from memory while no ticket changed", () => {
  let r: CountedRoute;
  let GET: RouteGet;
  let appRef: string;

  beforeAll(async () => {
    r = await startCountedRoute("operator1", "operator");
    ({ GET } = await import("./route"));
    appRef = (await r.db.vendorApp.findFirstOrThrow({ where: { vendor: "faceid" } })).id;
  }, 120_000);
  afterEach(() => {
    vi.useRealTimers();
  });
  afterAll(async () => {
    await r?.close();
  });

  const get = (etag?: string) => r.get(GET, "/api/nonce?limit=30", etag);
  /** A ticket as the desk stores one, issued now and ending `lifeMs` from now (server clock). */
  const addTicket = async (lifeMs: number) => {
    const { encrypt, valueHash } = await import("@/server/crypto");
    const { now } = await import("@/server/clock");
    const issuedAt = now();
    const value = `nonce-${issuedAt.getTime()}-${Math.random()}`;
    const row = await r.db.nonceTicket.create({
      data: {
        appRef,
        userId: "user-1",
        valueEnc: encrypt(value),
        valueHash: valueHash(value),
        issuedBy: "operator1",
        issuedAt,
        expiresIn: 120,
        expiresAt: new Date(issuedAt.getTime() + lifeMs),
      },
    });
    return row.id;
  };

  it("answers 304 without a query while nothing changed, with the server's time; a ticket marked used here is read at once", async () => {
    const id = await addTicket(120_000);
    const first = await get();
    expect(first.res.status).toBe(200);
    const etag = first.res.headers.get("etag")!;
    expect(etag).toMatch(/^".+"$/);
    expect(((await first.res.json()) as NonceList).nonces.map((n) => n.id)).toContain(id);

    const again = await get(etag);
    expect(again.res.status).toBe(304);
    expect(again.queries).toEqual([]);
    expect(await again.res.text()).toBe("");
    expect(Date.parse(again.res.headers.get("x-server-time")!)).toBeGreaterThan(0);

    // Marked used in this process, asked at once (before any stamp read could see it): not the kept list.
    const { markNonceUsed } = await import("@/server/nonce/nonce-desk");
    await r.reset(); // stamps just read: only this process's own news can drop the kept list
    await markNonceUsed({ input: { id }, actor: "operator1" });
    const used = await GET(new Request("http://127.0.0.1/api/nonce?limit=30", { headers: { cookie: r.cookie, "if-none-match": etag } }), {});
    expect(used.status).toBe(200);
    expect(((await used.json()) as NonceList).nonces.find((n) => n.id === id)!.usedAt).not.toBeNull();
  });

  it("reads the list again when a ticket on it expires: it is shown expired, not kept as live", async () => {
    // Five seconds to live; the clock is then moved six on, less than the kept list's age limit (15 s).
    const id = await addTicket(5_000);
    const first = await get();
    expect(((await first.res.json()) as NonceList).nonces.find((n) => n.id === id)!.expired).toBe(false);
    const etag = first.res.headers.get("etag")!;
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 6_000 });
    const later = await get(etag);
    expect(later.res.status).toBe(200);
    expect(((await later.res.json()) as NonceList).nonces.find((n) => n.id === id)!.expired).toBe(true);
    // Back on the real clock that ticket is live for a few seconds more: gone, it cannot expire under the next test.
    vi.useRealTimers();
    await r.db.nonceTicket.delete({ where: { id } });
  });

  it("does not confirm the list to a session that may not read it: a viewer's If-None-Match is refused", async () => {
    const etag = (await get()).res.headers.get("etag")!;
    const viewer = await r.db.user.create({ data: { username: "viewer-n", passwordHash: "x", role: "viewer" } });
    const { createSession } = await import("@/server/auth/session");
    const { sessionConfirmed } = await import("@/server/live/session-memo");
    const token = (await createSession(viewer.id)).token;
    sessionConfirmed(token, "viewer"); // as any read of another page would have
    expect((await get(etag)).res.status).toBe(304); // the operator's same request is confirmed from memory
    await r.reset();
    const res = await GET(new Request("http://127.0.0.1/api/nonce?limit=30", { headers: { cookie: `th_session=${token}`, "if-none-match": etag } }), {});
    expect(res.status).toBe(403);
  });

  it("answers a desk that heard of a NONCE change this instance has not read yet from the database, not from memory", async () => {
    const { freshTopics } = await import("@/server/live/changes");
    const etag = (await get()).res.headers.get("etag")!;
    const ask = (heard: string) =>
      GET(new Request("http://127.0.0.1/api/nonce?limit=30", { headers: { cookie: r.cookie, "if-none-match": etag, "x-tickethub-heard": heard } }), {});
    await r.reset();
    expect((await ask(`nonces=${freshTopics()!.nonces}`)).status).toBe(304);
    expect(r.queries).toEqual([]);
    await r.reset();
    expect((await ask("nonces=heardelsewhere0000")).status).toBe(304); // nothing changed: the database says so
    expect(r.queries.length).toBeGreaterThan(0);
  });
});
