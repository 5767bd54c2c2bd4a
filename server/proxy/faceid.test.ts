// The FaceID proxy against a real database and the sandbox: answers shaped like the documents'
// examples, with lifetimes capped by the token a ticket dies with.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "@/test-support/engine-harness";

describe("FaceID proxy: api_ticket", () => {
  let h: Harness;
  let get: (path: string, query: Record<string, string>) => Promise<{ status: number; body: Record<string, unknown> }>;
  let db: import("@/server/db").Db;

  beforeAll(async () => {
    h = await startHarness("sqlite");
    db = (await import("@/server/db")).getDb();
    const { faceidProxy } = await import("./faceid");
    get = async (path, query) => {
      const res = await faceidProxy.routes[`GET ${path}`]!({ method: "GET", path, query: new URLSearchParams(query), headers: new Headers(), body: undefined });
      return { status: res.status, body: res.body as Record<string, unknown> };
    };
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  const token = async () => {
    const r = await get("/api/oauth2/access_token", { app_id: "IDAdemo1", secret: "demo-faceid-secret", grant_type: "client_credential", version: "1.0.0" });
    expect(r.status).toBe(200);
    return r.body.access_token as string;
  };
  const ticket = async (accessToken: string, type: "SIGN" | "NONCE") => {
    const r = await get("/api/oauth2/api_ticket", {
      app_id: "IDAdemo1",
      access_token: accessToken,
      type,
      version: "1.0.0",
      ...(type === "NONCE" ? { user_id: "qa-proxy-1" } : {}),
    });
    expect(r.status).toBe(200);
    return (r.body.tickets as { value: string; expire_in: unknown; expire_time: string }[])[0]!;
  };

  it('answers expire_in as a string, as the documents\' examples do ("3600", "120")', async () => {
    const t = await token();
    const sign = await ticket(t, "SIGN");
    expect(sign.expire_in).toEqual(expect.stringMatching(/^\d+$/));
    expect(Number(sign.expire_in)).toBeGreaterThan(3500);
    expect(Number(sign.expire_in)).toBeLessThanOrEqual(3600);
    expect((await ticket(t, "NONCE")).expire_in).toBe("120");
  });

  it("caps a NONCE's expire_in by the token it is fetched with, when that token dies first", async () => {
    const t = await token();
    const slot = await db.credential.findFirstOrThrow({ where: { kind: "access_token", app: { appId: "IDAdemo1" } } });
    // The token has 90 s left (above the 60 s below which a read renews it first).
    await db.credentialVersion.update({ where: { id: slot.currentVersionId! }, data: { expiresAt: new Date(Date.now() + 90_000) } });
    const nonce = await ticket(t, "NONCE");
    expect(Number(nonce.expire_in)).toBeLessThanOrEqual(90);
    expect(Number(nonce.expire_in)).toBeGreaterThan(60);
  });
});
