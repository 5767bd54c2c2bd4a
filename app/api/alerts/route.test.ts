// GET /api/alerts with If-None-Match against a real database, counting every SQL statement Prisma
// sends (as app/api/credentials/route.test.ts does for the credential list).
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type CountedRoute, type RouteGet, startCountedRoute } from "@/test-support/counted-route";

type AlertList = { open: { id: string; acknowledgedAt: string | null; silencedUntil: string | null }[] };

describe("GET /api/alerts: 304 from memory while nothing changed", () => {
  let r: CountedRoute;
  let GET: RouteGet;

  beforeAll(async () => {
    r = await startCountedRoute("viewer2");
    ({ GET } = await import("./route"));
  }, 120_000);
  afterAll(async () => {
    vi.useRealTimers();
    await r?.close();
  });

  const send = (etag?: string) =>
    GET(new Request("http://127.0.0.1/api/alerts", { headers: { cookie: r.cookie, ...(etag ? { "if-none-match": etag } : {}) } }), {});
  const get = (etag?: string) => r.get(GET, "/api/alerts", etag);
  const openAlert = (subject: string, extra: { silencedUntil?: Date } = {}) =>
    r.db.alert.create({ data: { openKey: `credential-failing:${subject}`, kind: "credential-failing", subject, message: `${subject} fails`, ...extra } });

  it("answers 304 without a query while nothing changed, and the new list once an alert opens elsewhere", async () => {
    await openAlert("a1");
    const first = await get();
    expect(first.res.status).toBe(200);
    const etag = first.res.headers.get("etag")!;
    expect(etag).toMatch(/^".+"$/);
    expect(((await first.res.json()) as AlertList).open.map((a) => a.id)).toHaveLength(1);

    const again = await get(etag);
    expect(again.res.status).toBe(304);
    expect(again.queries).toEqual([]);
    expect(again.res.headers.get("etag")).toBe(etag);

    // Another instance opens one (no event in this process): the stamp read sees it.
    await openAlert("a2");
    const changed = await get(etag);
    expect(changed.res.status).toBe(200);
    expect(changed.res.headers.get("etag")).not.toBe(etag);
    expect(((await changed.res.json()) as AlertList).open).toHaveLength(2);
  });

  it("shows an acknowledgement made in this process at once, before the next stamp read", async () => {
    const first = await get();
    const etag = first.res.headers.get("etag")!;
    expect((await get(etag)).res.status).toBe(304);
    const target = ((await first.res.json()) as AlertList).open[0]!;
    const { acknowledgeAlert } = await import("@/server/alerts/manage-alerts");
    await acknowledgeAlert({ id: target.id, actor: "op" });
    const res = await send(etag); // no poll in between
    expect(res.status).toBe(200);
    expect(((await res.json()) as AlertList).open.find((a) => a.id === target.id)!.acknowledgedAt).not.toBeNull();
  });

  it("shows an alert the evaluator opened in this process at once, before the next stamp read", async () => {
    const first = await get();
    const etag = first.res.headers.get("etag")!;
    expect((await get(etag)).res.status).toBe(304);
    const token = await r.db.credential.findFirstOrThrow({ where: { kind: "access_token", app: { appId: "wx000000000000demo" } } });
    await r.h.control("/__sandbox/faults", { endpoint: "wechat /cgi-bin/token", mode: "bad-config", times: 1 });
    const { refreshCredential } = await import("@/server/tickets/refresh-credential");
    expect(await refreshCredential({ credentialId: token.id, reason: "test" })).toMatchObject({ ok: false, failure: "bad-config" });
    const { evaluateAlerts } = await import("@/server/alerts/alerts");
    expect(await evaluateAlerts()).toMatchObject({ opened: 1 });
    const res = await send(etag); // no poll in between
    expect(res.status).toBe(200);
    expect(((await res.json()) as { open: { credentialId: string | null; kind: string }[] }).open).toContainEqual(
      expect.objectContaining({ credentialId: token.id, kind: "bad-config" }),
    );
  });

  it("stops answering from memory when a silence ends (the alert speaks again)", async () => {
    // Ten seconds of silence; the clock is then moved eleven on, less than the kept list's age limit
    // (15 s, topic-memo.ts): only the silence's end can make the list be read again.
    const until = new Date(Date.now() + 10_000);
    await openAlert("a3", { silencedUntil: until });
    const first = await get();
    const etag = first.res.headers.get("etag")!;
    expect(((await first.res.json()) as AlertList).open.find((a) => a.silencedUntil)?.silencedUntil).toBe(until.toISOString());
    expect((await get(etag)).res.status).toBe(304);
    vi.useFakeTimers({ toFake: ["Date"], now: until.getTime() + 1_000 });
    const later = await get(etag);
    expect(later.res.status).toBe(200);
    expect(((await later.res.json()) as AlertList).open.every((a) => a.silencedUntil === null)).toBe(true);
    vi.useRealTimers();
  });

  it("silences on the server's clock: a host two minutes behind the database ends them when every other instance does", async () => {
    const { now, syncClock } = await import("@/server/clock");
    const { silenceAlert } = await import("@/server/alerts/manage-alerts");
    // Eight measurements replace every kept one (server/clock.ts keeps eight).
    const setDbAhead = async (ms: number) => {
      for (let i = 0; i < 8; i++) await syncClock(async () => Date.now() + ms, 1);
    };
    try {
      await setDbAhead(120_000);
      const server = now().getTime();
      expect(server - Date.now()).toBeGreaterThan(110_000);
      // Silenced for a minute: until a minute after the server's now, not this host's.
      const a = await openAlert("a4");
      const { silencedUntil } = await silenceAlert({ id: a.id, minutes: 1, actor: "op" });
      expect(Date.parse(silencedUntil!) - server).toBeGreaterThanOrEqual(60_000);
      expect(Date.parse(silencedUntil!) - server).toBeLessThan(70_000);
      // A silence written by an instance whose host was right, ending 90 s from this host's now (30 s
      // ago on the server's clock), has ended: the list shows the alert unsilenced.
      const b = await openAlert("a5", { silencedUntil: new Date(Date.now() + 90_000) });
      const list = (await (await get()).res.json()) as AlertList;
      expect(list.open.find((x) => x.id === b.id)!.silencedUntil).toBeNull();
      expect(list.open.find((x) => x.id === a.id)!.silencedUntil).toBe(silencedUntil);
    } finally {
      await setDbAhead(0);
    }
  });

  it("does not answer from memory without a session", async () => {
    const etag = (await get()).res.headers.get("etag")!;
    const anonymous = await GET(new Request("http://127.0.0.1/api/alerts", { headers: { "if-none-match": etag } }), {});
    expect(anonymous.status).toBe(401);
  });
});
