// A session the database confirms for any request (a page, an API call) is remembered as such, so
// that the dashboard's change stream can still open for it if the database stops answering right
// after (server/live/session-memo.ts); a session found gone is forgotten at once.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { migratedSqlite, pointEnvAt } from "@/test-support/test-db";

describe("sessions confirmed by the database", () => {
  let db: import("@/server/db").Db;
  beforeAll(async () => {
    const { url, dataDir } = await migratedSqlite("tickethub-session-test-");
    pointEnvAt(url, dataDir);
    db = (await import("@/server/db")).getDb();
  }, 60_000);
  afterAll(async () => {
    await db?.$disconnect();
  });

  it("are remembered whoever asked, and forgotten once gone", async () => {
    const { createUser } = await import("./manage-users");
    const { createSession, sessionFromToken } = await import("./session");
    const { roleConfirmedBefore } = await import("@/server/live/session-memo");
    const user = await createUser({ input: { username: "viewer-1", password: "a-long-password-1", role: "viewer" }, actor: "test" });
    const { token } = await createSession(user.id);
    expect(roleConfirmedBefore(token, Date.now())).toBeNull();
    expect((await sessionFromToken(token))?.role).toBe("viewer");
    // The database stops answering now: the session was confirmed just before.
    expect(roleConfirmedBefore(token, Date.now())).toBe("viewer");
    await db.session.deleteMany({ where: { userId: user.id } });
    expect(await sessionFromToken(token)).toBeNull();
    expect(roleConfirmedBefore(token, Date.now())).toBeNull();
  });

  it("are checked for every open change stream in one query, each as sessionFromToken says", async () => {
    const { createUser } = await import("./manage-users");
    const { createSession, sessionFromToken } = await import("./session");
    const { sessionStillValid } = await import("@/server/http/events");
    const users = await Promise.all(
      ["stream-1", "stream-2", "stream-3"].map((username) => createUser({ input: { username, password: "a-long-password-1", role: "viewer" }, actor: "test" })),
    );
    const [kept, ended, disabled] = await Promise.all(users.map((u) => createSession(u.id)));
    await db.session.deleteMany({ where: { userId: users[1]!.id } });
    await db.user.update({ where: { id: users[2]!.id }, data: { disabledAt: new Date() } });
    const findMany = vi.spyOn(db.session, "findMany");
    const findUnique = vi.spyOn(db.session, "findUnique");
    try {
      // As the heartbeat asks: every stream in the same turn (two tabs' streams may share a token).
      const answers = await Promise.all([kept!.token, ended!.token, disabled!.token, kept!.token, "unknown-token"].map(sessionStillValid));
      expect(answers).toEqual([true, false, false, true, false]);
      expect(findMany).toHaveBeenCalledTimes(1);
      expect(findUnique).not.toHaveBeenCalled();
      // The same answers one by one.
      expect(await Promise.all([kept!.token, ended!.token, disabled!.token].map(async (t) => !!(await sessionFromToken(t))))).toEqual([true, false, false]);
    } finally {
      findMany.mockRestore();
      findUnique.mockRestore();
    }
  });
});
