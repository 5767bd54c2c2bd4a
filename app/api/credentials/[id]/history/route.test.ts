// GET /api/credentials/:id/history with If-None-Match against a real database: an unchanged history
// is confirmed without a body; a new upstream call or version is sent.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { IdContext } from "@/server/http/input";
import { type CountedRoute, startCountedRoute } from "@/test-support/counted-route";

type History = { serverTime: string; versions: { generation: number }[]; calls: { id: string; endpoint: string }[] };

describe("GET /api/credentials/:id/history: 304 while it shows the same", () => {
  let r: CountedRoute;
  let GET: (req: Request, ctx: IdContext) => Promise<Response>;
  let id: string;

  beforeAll(async () => {
    r = await startCountedRoute("viewer4");
    ({ GET } = await import("./route"));
    id = (await r.db.credential.findFirstOrThrow({ where: { kind: "access_token" }, include: { app: true } })).id;
  }, 120_000);
  afterAll(async () => {
    await r?.close();
  });

  const get = async (etag?: string) => {
    const req = new Request(`http://127.0.0.1/api/credentials/${id}/history?limit=100`, {
      headers: { cookie: r.cookie, ...(etag ? { "if-none-match": etag } : {}) },
    });
    return GET(req, { params: Promise.resolve({ id }) });
  };

  it("answers 304 with the server's time while nothing it shows changed, and the new history after a refresh", async () => {
    const first = await get();
    expect(first.status).toBe(200);
    const etag = first.headers.get("etag")!;
    expect(etag).toMatch(/^".+"$/);
    const before = (await first.json()) as History;

    // Read again later: a new serverTime, the same versions and calls.
    await new Promise((done) => setTimeout(done, 5));
    const again = await get(etag);
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");
    expect(Date.parse(again.headers.get("x-server-time")!)).toBeGreaterThan(Date.parse(before.serverTime));

    const { refreshCredential } = await import("@/server/tickets/refresh-credential");
    expect((await refreshCredential({ credentialId: id, reason: "test" })).ok).toBe(true);
    const changed = await get(etag);
    expect(changed.status).toBe(200);
    expect(changed.headers.get("etag")).not.toBe(etag);
    const after = (await changed.json()) as History;
    expect(after.versions[0]!.generation).toBe((before.versions[0]?.generation ?? 0) + 1);
    expect(after.calls.length).toBe(before.calls.length + 1);
  });
});
