// GET /api/alerts with If-None-Match against a real database, counting every SQL statement Prisma
// sends (as app/api/credentials/route.test.ts does for the credential list).
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { PrismaClient } from "@/generated/sqlite/client";
import { startHarness, type Harness } from "@/test-support/engine-harness";

type AlertList = { open: { id: string; acknowledgedAt: string | null; silencedUntil: string | null }[] };

describe("GET /api/alerts: 304 from memory while nothing changed", () => {
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

    const user = await db.user.create({ data: { username: "viewer2", passwordHash: "x", role: "viewer" } });
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
    vi.useRealTimers();
    await h?.close();
  });

  const send = (etag?: string) => GET(new Request("http://127.0.0.1/api/alerts", { headers: { cookie, ...(etag ? { "if-none-match": etag } : {}) } }), {});
  const get = async (etag?: string) => {
    await observe();
    queries = [];
    const res = await send(etag);
    return { res, queries: [...queries] };
  };
  const openAlert = (subject: string, extra: { silencedUntil?: Date } = {}) =>
    db.alert.create({ data: { openKey: `credential-failing:${subject}`, kind: "credential-failing", subject, message: `${subject} fails`, ...extra } });

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
    const token = await db.credential.findFirstOrThrow({ where: { kind: "access_token", app: { appId: "wx000000000000demo" } } });
    await h.control("/__sandbox/faults", { endpoint: "wechat /cgi-bin/token", mode: "bad-config", times: 1 });
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
    const until = new Date(Date.now() + 60_000);
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

  it("does not answer from memory without a session", async () => {
    const etag = (await get()).res.headers.get("etag")!;
    const anonymous = await GET(new Request("http://127.0.0.1/api/alerts", { headers: { "if-none-match": etag } }), {});
    expect(anonymous.status).toBe(401);
  });
});
