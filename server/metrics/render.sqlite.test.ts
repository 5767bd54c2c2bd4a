// Thousands of apps (issue 13): /api/metrics renders every app's series; the whole-fleet reads (the
// list, the metrics' states, a full load of the read cache) hold everything and let the event loop
// run while they read (the scheduler's timers and other requests wait otherwise); history is pruned.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migratedSqlite, pointEnvAt } from "@/test-support/test-db";

const APPS = 3_000;

/**
 * How many turns of the event loop (its check phase) ran while `work` did: each turn runs one
 * callback of this chain. Zero when `work` never let the loop run.
 */
async function loopTurnsDuring<T>(work: () => Promise<T>): Promise<{ value: T; turns: number }> {
  let turns = 0;
  let running = true;
  const turn = () => {
    if (!running) return;
    turns++;
    setImmediate(turn);
  };
  setImmediate(turn);
  await new Promise((resolve) => setImmediate(resolve)); // the chain is running
  const counted = turns;
  const value = await work();
  running = false;
  return { value, turns: turns - counted };
}

describe("3,000 apps (SQLite)", () => {
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

  it("reads the whole list and the metrics' states by pages, letting the event loop run between them", async () => {
    const { credentialStates, listCredentials } = await import("../tickets/list-credentials");
    const { PAGE } = await import("../db-batch");
    const list = await loopTurnsDuring(() => listCredentials());
    expect(list.value).toHaveLength(APPS * 2);
    // In the overview's order across pages: by app name (as the database orders them), each app's credentials together.
    const byName = (await db.vendorApp.findMany({ orderBy: { name: "asc" }, select: { id: true } })).map((a) => a.id);
    expect(list.value.map((c) => c.appRef).filter((ref, i, refs) => ref !== refs[i - 1])).toEqual(byName);
    expect(new Set(list.value.map((c) => c.id)).size).toBe(APPS * 2);
    // One turn at least between every two pages (it was none: the loop waited for the whole read).
    const pages = Math.ceil((APPS * 2) / PAGE);
    expect(list.turns).toBeGreaterThanOrEqual(pages - 1);
    const states = await loopTurnsDuring(() => credentialStates());
    expect(states.value).toHaveLength(APPS * 2);
    expect(states.turns).toBeGreaterThanOrEqual(pages - 1);
  });

  it("loads the read cache in full by pages of apps: every app's value is served, and the loop ran meanwhile", async () => {
    const { lastLoad, pollOnce } = await import("../fast/read-cache");
    const { cacheStore } = await import("../fast/cache-store");
    const { PAGE } = await import("../db-batch");
    const load = await loopTurnsDuring(() => pollOnce()); // the first load is a full one
    expect(lastLoad).toMatchObject({ full: true, apps: APPS, credentials: APPS * 2 });
    expect(load.turns).toBeGreaterThanOrEqual(Math.ceil(APPS / PAGE) - 1);
    const snap = cacheStore().current!;
    expect(snap.creds.size).toBe(APPS * 2);
    // The first and the last page's apps: each ticket served with its stored value (the seed stored its version's id).
    for (const appRef of ["app-0", `app-${APPS - 1}`]) {
      const version = await db.credentialVersion.findFirstOrThrow({ where: { credential: { appRef, kind: "jsapi_ticket" } } });
      expect(snap.creds.get(`${appRef}:jsapi_ticket`)?.value, appRef).toBe(version.id);
    }
    expect(snap.tokens.size).toBe(APPS);
  });

  it("prunes history older than the retention, keeping every current value (more of them than a statement takes)", async () => {
    const { pruneHistory } = await import("../tickets/history");
    const old = new Date(Date.now() - 40 * 86_400_000);
    const [a, b] = await db.credential.findMany({ take: 2, orderBy: { id: "asc" } });
    const stale = await Promise.all(
      [a!, b!].map((c) =>
        db.credentialVersion.create({
          data: {
            credentialId: c.id,
            generation: 0,
            valueEnc: "x",
            valueHash: `old-${c.id}`,
            fetchedAt: old,
            expiresIn: 7200,
            expiresAt: old,
            validUntil: old,
          },
        }),
      ),
    );
    // One current value long expired too: it stays whatever its age.
    await db.credentialVersion.update({ where: { id: a!.currentVersionId! }, data: { expiresAt: old } });
    const pruned = await pruneHistory(db);
    expect(pruned.versions).toBe(2);
    expect(await db.credentialVersion.count({ where: { id: { in: stale.map((v) => v.id) } } })).toBe(0);
    expect(await db.credentialVersion.findUnique({ where: { id: a!.currentVersionId! } })).not.toBeNull();
    expect(await db.credentialVersion.count()).toBe(APPS * 2);
    await db.credentialVersion.update({ where: { id: a!.currentVersionId! }, data: { expiresAt: new Date(Date.now() + 7_200_000) } });
  });
});
