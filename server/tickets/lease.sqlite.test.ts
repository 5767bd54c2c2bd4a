// The refresh lease (server/tickets/lease.ts) is what keeps two instances from fetching the same
// credential at once: its insert must fail for a second owner while the first holds it, and a
// lease whose holder died must be taken over once it has lapsed.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "@/test-support/engine-harness";

describe("the refresh lease (SQLite)", () => {
  let h: Harness;
  let db: import("@/server/db").Db;
  let lease: typeof import("./lease");

  beforeAll(async () => {
    h = await startHarness("sqlite");
    db = (await import("@/server/db")).getDb();
    lease = await import("./lease");
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  it("is refused to a second owner while held, free again once released, taken over once lapsed", async () => {
    const { id } = await db.credential.findFirstOrThrow({ where: { kind: "access_token", app: { vendor: "wechat" } } });
    expect(await lease.acquireLease(db, id, "instance-a:1")).toBe(true);
    expect(await lease.acquireLease(db, id, "instance-b:1")).toBe(false);
    expect((await db.refreshLease.findUniqueOrThrow({ where: { credentialId: id } })).owner).toBe("instance-a:1");

    await lease.releaseLease(db, id, "instance-a:1");
    expect(await lease.acquireLease(db, id, "instance-b:2")).toBe(true);

    // Its holder died: the lease lapsed a second ago.
    await db.refreshLease.update({ where: { credentialId: id }, data: { expiresAt: new Date(Date.now() - 1_000) } });
    expect(await lease.acquireLease(db, id, "instance-a:3")).toBe(true);
    expect((await db.refreshLease.findUniqueOrThrow({ where: { credentialId: id } })).owner).toBe("instance-a:3");
    await lease.releaseLease(db, id, "instance-a:3");
  });
});
