// /api/metrics with thousands of apps (issue 13): the text renders, every app's series is in it.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migratedSqlite, pointEnvAt } from "@/test-support/test-db";

const APPS = 3_000;

describe("renderMetrics with 3,000 apps (SQLite)", () => {
  let db: import("@/server/db").Db;
  let render: typeof import("./render").renderMetrics;

  beforeAll(async () => {
    const { url, dataDir } = await migratedSqlite("tickethub-metrics-");
    pointEnvAt(url, dataDir);
    db = (await import("@/server/db")).getDb();
    render = (await import("./render")).renderMetrics;
    const { encrypt, valueHash } = await import("@/server/crypto");
    const at = Date.now();
    for (let i = 0; i < APPS; i += 500) {
      const ids = Array.from({ length: Math.min(500, APPS - i) }, (_, j) => `app-${i + j}`);
      await db.vendorApp.createMany({
        data: ids.map((id, j) => ({
          id,
          vendor: "wechat",
          appId: `wx${(i + j).toString(16).padStart(16, "0")}`,
          name: `scale ${i + j}`,
          secretEnc: encrypt("s"),
          baseUrl: "sandbox",
        })),
      });
      const creds = ids.flatMap((appRef) => ["access_token", "jsapi_ticket"].map((kind) => ({ id: randomUUID(), versionId: randomUUID(), appRef, kind })));
      await db.credential.createMany({
        data: creds.map((c) => ({ id: c.id, appRef: c.appRef, kind: c.kind, generation: 1, currentVersionId: c.versionId, status: "active" })),
      });
      await db.credentialVersion.createMany({
        data: creds.map((c) => ({
          id: c.versionId,
          credentialId: c.id,
          generation: 1,
          valueEnc: encrypt(c.versionId),
          valueHash: valueHash(c.versionId),
          fetchedAt: new Date(at),
          expiresIn: 7200,
          expiresAt: new Date(at + 7_200_000),
        })),
      });
    }
  }, 120_000);
  afterAll(async () => {
    await db?.$disconnect();
  });

  it("renders every app's credentials for a signed-in user", async () => {
    const text = await render({ apps: "all" });
    const expiries = text.split("\n").filter((l) => l.startsWith("tickethub_credential_expiry_timestamp_seconds{"));
    expect(expiries).toHaveLength(APPS * 2);
    expect(text).toContain(`app_id="wx${(APPS - 1).toString(16).padStart(16, "0")}"`);
  });

  it("says of each credential what the dashboard's list says (its lean read for the metrics agrees)", async () => {
    const { credentialStates, listCredentials } = await import("../tickets/list-credentials");
    // One credential failing, one without a value: the states other than active.
    const [failing, pending] = await db.credential.findMany({ take: 2, orderBy: { id: "asc" } });
    await db.credential.update({ where: { id: failing!.id }, data: { status: "failing", consecutiveFailures: 2 } });
    await db.credential.update({ where: { id: pending!.id }, data: { currentVersionId: null } });
    const full = await listCredentials();
    const lean = await credentialStates();
    expect(lean).toEqual(
      full.map((c) => ({
        vendor: c.vendor,
        appRef: c.appRef,
        appId: c.appId,
        kind: c.kind,
        status: c.status,
        generation: c.generation,
        consecutiveFailures: c.consecutiveFailures,
        nextRefreshAt: c.nextRefreshAt,
        quota: c.quota,
        expiresAt: c.current?.expiresAt ?? null,
      })),
    );
    expect(new Set(lean.map((c) => c.status))).toEqual(new Set(["active", "failing", "pending"]));
    await db.credential.update({ where: { id: failing!.id }, data: { status: "active", consecutiveFailures: 0 } });
    await db.credential.update({ where: { id: pending!.id }, data: { currentVersionId: pending!.currentVersionId } });
  });

  it("renders a key's 2,000 apps and none of the others", async () => {
    const scope = new Set(Array.from({ length: 2_000 }, (_, i) => `app-${i}`));
    const text = await render({ apps: scope });
    const expiries = text.split("\n").filter((l) => l.startsWith("tickethub_credential_expiry_timestamp_seconds{"));
    expect(expiries).toHaveLength(2_000 * 2);
    expect(text).not.toContain(`app_id="wx${(2_500).toString(16).padStart(16, "0")}"`);
  });
});
