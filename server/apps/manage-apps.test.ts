// An app change and its audit row stand or fall together, against a real (SQLite) database: when
// the database refuses either write, neither is kept.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migratedSqlite, pointEnvAt } from "@/test-support/test-db";

describe("app changes and their audit rows", () => {
  let db: Awaited<typeof import("@/server/db")>["getDb"] extends () => infer D ? D : never;
  let apps: typeof import("./manage-apps");
  const form = { vendor: "wechat", name: "Shop", appId: "wx1234567890abcdef", secret: "s3cret-value", baseUrl: "live" };

  beforeAll(async () => {
    const { url, dataDir } = await migratedSqlite("tickethub-apps-test-");
    pointEnvAt(url, dataDir, { TICKETHUB_SANDBOX: "off" });
    db = (await import("@/server/db")).getDb();
    apps = await import("./manage-apps");
  }, 60_000);
  afterAll(async () => {
    await db?.$disconnect();
  });

  /** Runs `change` (which must fail) while the database refuses `write` (e.g. `UPDATE ON "VendorApp"`) whenever `when` holds. */
  async function refusing(write: string, when: string, change: () => Promise<unknown>) {
    await db.$executeRawUnsafe(`CREATE TRIGGER refuse BEFORE ${write} WHEN ${when} BEGIN SELECT RAISE(ABORT, 'refused'); END`);
    try {
      await expect(change()).rejects.toThrow();
    } finally {
      await db.$executeRawUnsafe("DROP TRIGGER refuse");
    }
  }

  it("an update the database refuses leaves the app as it was and no audit row", async () => {
    const app = await apps.createApp({ input: form, actor: "admin" });
    await refusing('UPDATE ON "VendorApp"', "1", () => apps.updateApp({ id: app.id, input: { ...form, name: "Renamed" }, actor: "admin" }));
    expect((await db.vendorApp.findUniqueOrThrow({ where: { id: app.id } })).name).toBe("Shop");
    expect(await db.auditEvent.count({ where: { action: "app.update" } })).toBe(0);
  });

  it("an update whose audit row the database refuses is not made", async () => {
    const [app] = await apps.listApps({ role: "admin" });
    await refusing('INSERT ON "AuditEvent"', "NEW.action = 'app.update'", () =>
      apps.updateApp({ id: app!.id, input: { ...form, name: "Renamed" }, actor: "admin" }),
    );
    expect((await db.vendorApp.findUniqueOrThrow({ where: { id: app!.id } })).name).toBe("Shop");
    // Nor does a credential become due for a change that did not happen.
    expect(await db.credential.count({ where: { appRef: app!.id, nextRefreshReason: { contains: "app settings changed" } } })).toBe(0);
  });

  it("an update that succeeds writes exactly one audit row", async () => {
    const [app] = await apps.listApps({ role: "admin" });
    await apps.updateApp({ id: app!.id, input: { ...form, name: "Renamed" }, actor: "admin" });
    expect(await db.auditEvent.findMany({ where: { action: "app.update" }, select: { target: true, detail: true } })).toEqual([
      { target: app!.id, detail: "Renamed: name, secret" },
    ]);
  });
});
