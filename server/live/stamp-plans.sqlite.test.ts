// Two sums over every credential run again and again while a dashboard is open: the change streams'
// supplementary stamp after nearly every change (server/live/changes.ts: ~18 a second with 3,000
// apps at 12×, bench/scale.ts) and the kept list's sum of generations at every render
// (kept-list.ts). A Credential row is wide (the last error's text): walking all of them took 2-5 ms
// a read with 3,000 apps, each read holding the event loop of the process that made it. So both
// read Credential from indexes only; the generation sum visits the credentials of disabled apps alone.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "@/test-support/engine-harness";
import { fullScans, openPlanReader, type PlanReader } from "@/test-support/query-plan";

describe("sums over every credential read indexes (SQLite)", () => {
  let h: Harness;
  let plans: PlanReader;

  beforeAll(async () => {
    h = await startHarness("sqlite");
    plans = await openPlanReader();
  }, 120_000);
  afterAll(async () => {
    plans?.close();
    await h?.close();
  });

  it("the change streams' supplementary stamp walks no Credential row", async () => {
    const { EXTRA_SQL } = await import("./changes");
    expect(fullScans(plans.steps(EXTRA_SQL)).filter((d) => /\bCredential\b/.test(d))).toEqual([]);
  });

  it("the kept list's sum of generations walks only the apps, and counts the enabled apps' credentials alone", async () => {
    const { GENERATION_SUM_SQL } = await import("./kept-list");
    expect(fullScans(plans.steps(GENERATION_SUM_SQL))).toEqual(["SCAN VendorApp"]);
    const { getDb } = await import("@/server/db");
    const db = getDb();
    const [disabled] = await db.vendorApp.findMany({ take: 1, orderBy: { id: "asc" } });
    await db.credential.updateMany({ data: { generation: { increment: 3 } } });
    await db.vendorApp.update({ where: { id: disabled!.id }, data: { enabled: false } });
    try {
      const rows = await db.credential.findMany({ select: { generation: true, app: { select: { enabled: true } } } });
      const enabled = rows.filter((r) => r.app.enabled).reduce((sum, r) => sum + r.generation, 0);
      expect(rows.some((r) => !r.app.enabled && r.generation > 0)).toBe(true);
      const [row] = await db.$queryRawUnsafe<{ g: unknown }[]>(GENERATION_SUM_SQL);
      expect(Number(row?.g)).toBe(enabled);
    } finally {
      await db.vendorApp.update({ where: { id: disabled!.id }, data: { enabled: disabled!.enabled } });
      await db.credential.updateMany({ data: { generation: { decrement: 3 } } });
    }
  });
});
