// POST …/refused while the vendor keeps failing: each report of the current value is one vendor
// call, and those count against the key's limit (limits.refused) like the ones that worked. A
// service that reports in a loop during an outage at the vendor is held to that many calls a minute.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "@/test-support/engine-harness";

describe("refusal reports while the vendor fails (SQLite)", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness("sqlite");
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  it("failed refreshes count against the key's limit: then 429 with Retry-After, and no more vendor calls", async () => {
    const db = (await import("@/server/db")).getDb();
    const keys = await import("@/server/consumer/api-keys");
    const { refreshCredential } = await import("@/server/tickets/refresh-credential");
    const { reportRefused } = await import("./consumer");
    const { limits } = await import("@/server/auth/rate-limit");
    const app = await db.vendorApp.findUniqueOrThrow({ where: { vendor_appId: { vendor: "wechat", appId: "wx000000000000demo" } } });
    for (const c of await db.credential.findMany({ where: { appRef: app.id, kind: { in: ["access_token", "jsapi_ticket"] } } })) {
      expect((await refreshCredential({ credentialId: c.id, reason: "test" })).ok).toBe(true);
    }
    const ticket = await db.credential.findFirstOrThrow({
      where: { appRef: app.id, kind: "jsapi_ticket" },
      include: { versions: { orderBy: { generation: "desc" }, take: 1 } },
    });
    const generation = ticket.versions[0]!.generation;
    const { key } = await keys.createApiKey({ input: { name: "reporter", appRefs: [app.id] }, actor: "test" });
    // From now on the vendor answers every ticket call "system busy" (-1).
    await h.control("/__sandbox/reset");
    await h.control("/__sandbox/faults", { endpoint: "wechat /cgi-bin/ticket/getticket", mode: "busy" });
    const report = () =>
      reportRefused(
        new Request(`http://127.0.0.1/api/v1/apps/wechat/${app.appId}/jsapi_ticket/refused`, {
          method: "POST",
          headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
          body: JSON.stringify({ generation }),
        }),
        { vendor: "wechat", appId: app.appId, kind: "jsapi_ticket" },
      );
    const statuses: number[] = [];
    for (let i = 0; i <= limits.refused.limit + 5; i++) statuses.push((await report()).status);
    const refused = await report();

    expect(statuses.slice(0, limits.refused.limit)).toEqual(Array(limits.refused.limit).fill(502));
    expect(statuses.slice(limits.refused.limit)).toEqual(Array(statuses.length - limits.refused.limit).fill(429));
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await refused.json()).title).toBe("Too many refusals reported");
    const calls = ((await h.stats()) as { calls: Record<string, number> }).calls["wechat /cgi-bin/ticket/getticket"] ?? 0;
    expect(calls).toBe(limits.refused.limit);
    // The stored value is untouched by the failures.
    const after = await db.credentialVersion.findFirstOrThrow({ where: { credentialId: ticket.id }, orderBy: { generation: "desc" } });
    expect(after.generation).toBe(generation);
  });

  it("concurrent reports for several credentials are held to the limit too: each vendor call is counted before it is made", async () => {
    const db = (await import("@/server/db")).getDb();
    const keys = await import("@/server/consumer/api-keys");
    const { refreshCredential } = await import("@/server/tickets/refresh-credential");
    const { reportRefused } = await import("./consumer");
    const { limits } = await import("@/server/auth/rate-limit");
    const apps = await db.vendorApp.findMany({ where: { demo: true } });
    const slots = await db.credential.findMany({ where: { appRef: { in: apps.map((a) => a.id) } }, include: { app: true } });
    await h.control("/__sandbox/reset");
    for (const c of slots) expect((await refreshCredential({ credentialId: c.id, reason: "test" })).ok).toBe(true);
    // Every vendor endpoint answers after 400 ms: every report is past its check before any call returns.
    for (const endpoint of Object.keys(((await h.stats()) as { calls: Record<string, number> }).calls)) {
      await h.control("/__sandbox/faults", { endpoint, latencyMs: 400 });
    }
    const { key, view } = await keys.createApiKey({ input: { name: "concurrent reporter", appRefs: apps.map((a) => a.id) }, actor: "test" });
    // This key has 3 vendor calls left in its minute.
    for (let i = 0; i < limits.refused.limit - 3; i++) limits.refused.hit(view.id);
    const reported = await Promise.all(
      (await Promise.all(slots.map(async (c) => ({ c, generation: (await db.credential.findUniqueOrThrow({ where: { id: c.id } })).generation })))).map(
        ({ c, generation }) =>
          reportRefused(
            new Request(`http://127.0.0.1/api/v1/apps/${c.app.vendor}/${c.app.appId}/${c.kind}/refused`, {
              method: "POST",
              headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
              body: JSON.stringify({ generation }),
            }),
            { vendor: c.app.vendor, appId: c.app.appId, kind: c.kind },
          ),
      ),
    );
    await h.control("/__sandbox/reset");
    const outcomes = await Promise.all(
      reported.map(async (r) => (r.status === 200 ? ((await r.json()).refreshed ? "refreshed" : "current") : String(r.status))),
    );
    expect(slots.length).toBeGreaterThan(3);
    // At most three refreshes; every other report refused with 429, or answered with a value another
    // report's refresh renewed meanwhile (a ticket fetched with a new token), which costs no call.
    expect(outcomes.filter((o) => o === "refreshed").length).toBeLessThanOrEqual(3);
    expect(outcomes.filter((o) => !["refreshed", "current", "429"].includes(o))).toEqual([]);
    expect(outcomes.filter((o) => o === "429").length).toBeGreaterThan(0);
  });
});
