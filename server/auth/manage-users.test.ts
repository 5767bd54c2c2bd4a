// Audit rows are written in the transaction of the change they record: against a real (SQLite)
// database, a change whose audit row cannot be written is not made, and a refused change leaves
// no audit row.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migratedSqlite, pointEnvAt } from "@/test-support/test-db";

describe("user changes and their audit rows", () => {
  let db: Awaited<typeof import("@/server/db")>["getDb"] extends () => infer D ? D : never;
  let users: typeof import("./manage-users");

  beforeAll(async () => {
    const { url, dataDir } = await migratedSqlite("tickethub-users-test-");
    pointEnvAt(url, dataDir);
    db = (await import("@/server/db")).getDb();
    users = await import("./manage-users");
  }, 60_000);
  afterAll(async () => {
    await db?.$disconnect();
  });

  it("a change whose audit row fails is rolled back, and leaves no audit row", async () => {
    const admin = await users.createUser({ input: { username: "first-admin", password: "a-long-password-1", role: "admin" }, actor: "test" });
    const op = await users.createUser({ input: { username: "operator-1", password: "a-long-password-2", role: "operator" }, actor: "test" });
    expect(await db.auditEvent.count({ where: { action: "user.created" } })).toBe(2);
    // The database refuses this one audit row: the mutation must fail with it.
    await db.$executeRawUnsafe(
      `CREATE TRIGGER refuse_user_changed BEFORE INSERT ON "AuditEvent" WHEN NEW.action = 'user.changed' BEGIN SELECT RAISE(ABORT, 'audit refused'); END`,
    );
    try {
      await expect(users.changeUser({ id: op.id, input: { role: "viewer", disabled: true }, actor: admin.username })).rejects.toThrow();
    } finally {
      await db.$executeRawUnsafe(`DROP TRIGGER refuse_user_changed`);
    }
    const after = await db.user.findUniqueOrThrow({ where: { id: op.id } });
    expect(after.role).toBe("operator");
    expect(after.disabledAt).toBeNull();
    expect(await db.auditEvent.count({ where: { action: "user.changed" } })).toBe(0);
  });

  it("a refused change (the last admin demoted) writes no audit row", async () => {
    const admin = await db.user.findUniqueOrThrow({ where: { username: "first-admin" } });
    await expect(users.changeUser({ id: admin.id, input: { role: "viewer" }, actor: "first-admin" })).rejects.toMatchObject({
      kind: "conflict",
      field: "role",
    });
    expect((await db.user.findUniqueOrThrow({ where: { id: admin.id } })).role).toBe("admin");
    expect(await db.auditEvent.count({ where: { action: "user.changed" } })).toBe(0);
  });

  it("a change that succeeds writes exactly one audit row", async () => {
    const op = await db.user.findUniqueOrThrow({ where: { username: "operator-1" } });
    await users.changeUser({ id: op.id, input: { role: "viewer" }, actor: "first-admin" });
    expect(await db.auditEvent.findMany({ where: { action: "user.changed" }, select: { target: true, detail: true } })).toEqual([
      { target: op.id, detail: "operator-1: role operator → viewer" },
    ]);
  });
});
