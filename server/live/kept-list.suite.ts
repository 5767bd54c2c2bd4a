// The dashboard's credential list is kept between renders (server/live/kept-list.ts): a render reads
// again only the apps whose credentials' views may have changed (a row written, a lease taken or
// given back, a moment passed), and in full when an app or the list's shape changed. Whatever it
// reads, it says what reading everything would say (listCredentials).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fetchWechatValues, recordWechatCall, startHarness, type Harness } from "@/test-support/engine-harness";

export function keptListSuite(provider: "sqlite" | "postgresql") {
  describe(`the dashboard's credential list between renders (${provider})`, () => {
    let h: Harness;
    let db: import("@/server/db").Db;
    let kept: typeof import("./kept-list");
    let list: typeof import("../tickets/list-credentials");
    let refresh: typeof import("../tickets/refresh-credential").refreshCredential;

    beforeAll(async () => {
      h = await startHarness(provider);
      db = (await import("@/server/db")).getDb();
      kept = await import("./kept-list");
      list = await import("../tickets/list-credentials");
      refresh = (await import("../tickets/refresh-credential")).refreshCredential;
      await fetchWechatValues();
    }, 120_000);
    afterAll(async () => {
      await h?.close();
    });

    /** What a render shows now, which must equal reading every credential, and how it was read. */
    const render = async () => {
      const { credentials } = await kept.keptList();
      expect(credentials).toEqual(await list.listCredentials());
      return { ...kept.lastListRead };
    };
    const viewOf = async (id: string) => (await kept.keptList()).credentials.find((c) => c.id === id);

    it("reads again only the apps whose credentials changed, in full when an app changed, and always says what a full read says", async () => {
      const apps = await db.vendorApp.count({ where: { enabled: true } });
      expect(await render()).toMatchObject({ full: true, apps });
      expect(await render()).toMatchObject({ full: false, apps: 0 });

      // A refresh moves its credential's generation, value and expiry (and its app's quota count): its app is read again.
      const wechat = await db.vendorApp.findFirstOrThrow({ where: { vendor: "wechat" } });
      const ticket = await db.credential.findFirstOrThrow({ where: { appRef: wechat.id, kind: "jsapi_ticket" } });
      const before = await viewOf(ticket.id);
      expect((await refresh({ credentialId: ticket.id, reason: "test" })).ok).toBe(true);
      expect(await render()).toMatchObject({ full: false, apps: 1, swept: 0 });
      const after = await viewOf(ticket.id);
      expect(after?.generation).toBe(before!.generation + 1);
      expect(after?.current?.maskedValue).not.toBe(before?.current?.maskedValue);

      // A failure on record (no new value): failing, with its error and count.
      const feishu = await db.credential.findFirstOrThrow({ where: { app: { vendor: "feishu" } } });
      await db.credential.update({ where: { id: feishu.id }, data: { status: "failing", consecutiveFailures: 3, lastError: "boom", lastErrorAt: new Date() } });
      expect(await render()).toMatchObject({ full: false, apps: 1 });
      expect(await viewOf(feishu.id)).toMatchObject({ status: "failing", consecutiveFailures: 3, lastError: { message: "boom" } });
    });

    it("shows a refresh that neither look by time saw (its row's updatedAt and its call's start a minute old): found by its generation", async () => {
      expect(await render()).toMatchObject({ full: false });
      const ticket = await db.credential.findFirstOrThrow({ where: { app: { vendor: "wechat" }, kind: "wx_card_ticket" } });
      const since = new Date(Date.now() - 1_000);
      expect((await refresh({ credentialId: ticket.id, reason: "test" })).ok).toBe(true);
      const minuteAgo = new Date(Date.now() - 60_000);
      await db.credential.update({ where: { id: ticket.id }, data: { updatedAt: minuteAgo } });
      expect(
        (await db.upstreamCall.updateMany({ where: { appRef: ticket.appRef, startedAt: { gte: since } }, data: { startedAt: minuteAgo } })).count,
      ).toBeGreaterThan(0);
      expect(await render()).toMatchObject({ full: false, apps: 1, missed: 1 });
      expect((await viewOf(ticket.id))?.generation).toBe(ticket.generation + 1);
      expect(await render()).toMatchObject({ full: false, apps: 0, missed: 0 });
    });

    it("shows a refresh lease taken, renewed and given back, which writes no credential row", async () => {
      expect(await render()).toMatchObject({ full: false });
      const token = await db.credential.findFirstOrThrow({ where: { app: { vendor: "wechat" }, kind: "access_token" } });
      const at = new Date();
      await db.refreshLease.create({
        data: { credentialId: token.id, owner: "peer-7:lease", instance: "peer-7", acquiredAt: at, expiresAt: new Date(at.getTime() + 30_000) },
      });
      expect(await render()).toMatchObject({ full: false, apps: 1 });
      expect(await viewOf(token.id)).toMatchObject({ refreshing: true, lease: { instance: "peer-7" } });
      // Renewed by its holder's heartbeat: the view shows the new end.
      const renewed = new Date(at.getTime() + 45_000);
      await db.refreshLease.update({ where: { credentialId: token.id }, data: { expiresAt: renewed } });
      expect(await render()).toMatchObject({ full: false, apps: 1 });
      expect((await viewOf(token.id))?.lease?.expiresAt).toBe(renewed.toISOString());
      await db.refreshLease.delete({ where: { credentialId: token.id } });
      expect(await render()).toMatchObject({ full: false, apps: 1 });
      expect(await viewOf(token.id)).toMatchObject({ refreshing: false, lease: null });
      expect(await render()).toMatchObject({ full: false, apps: 0 });
    });

    it("reads an app again when a moment passes at which its view reads differently: a superseded value leaves its overlap window", async () => {
      const ticket = await db.credential.findFirstOrThrow({ where: { app: { vendor: "wechat" }, kind: "jsapi_ticket" } });
      const previous = await db.credentialVersion.findFirstOrThrow({
        where: { credentialId: ticket.id, id: { not: ticket.currentVersionId! } },
        orderBy: { generation: "desc" },
      });
      const ends = new Date(Date.now() + 3_000);
      await db.credentialVersion.update({ where: { id: previous.id }, data: { validUntil: ends } });
      kept.forgetKeptList();
      expect(await render()).toMatchObject({ full: true });
      const { credentials, validUntilServerMs } = await kept.keptList();
      expect(credentials.find((c) => c.id === ticket.id)?.previous?.validUntil).toBe(ends.toISOString());
      expect(validUntilServerMs).toBe(ends.getTime());
      await new Promise((r) => setTimeout(r, ends.getTime() - Date.now() + 50));
      expect(await render()).toMatchObject({ full: false, apps: 1 });
      expect((await viewOf(ticket.id))?.previous).toBeNull();
    });

    it("reads in full when an app is renamed (the list's order) or disabled (its credentials leave it)", async () => {
      const apps = await db.vendorApp.count({ where: { enabled: true } });
      const wechat = await db.vendorApp.findFirstOrThrow({ where: { vendor: "wechat" } });
      await db.vendorApp.update({ where: { id: wechat.id }, data: { name: "ZZZ last" } });
      expect(await render()).toMatchObject({ full: true });
      // By vendor, then app name: now the last of WeChat's.
      expect((await kept.keptList()).credentials.filter((c) => c.vendor === "wechat").at(-1)?.appName).toBe("ZZZ last");
      await db.vendorApp.update({ where: { id: wechat.id }, data: { enabled: false } });
      expect(await render()).toMatchObject({ full: true, apps: apps - 1 });
      expect((await kept.keptList()).credentials.some((c) => c.appRef === wechat.id)).toBe(false);
      await db.vendorApp.update({ where: { id: wechat.id }, data: { enabled: true } });
      expect(await render()).toMatchObject({ full: true, apps });
    });

    it("shows a vendor call that writes no credential (a NONCE ticket issued, a proxied call) in its app's quota at the next render, reading that app only", async () => {
      expect(await render()).toMatchObject({ full: false });
      const token = await db.credential.findFirstOrThrow({ where: { app: { vendor: "wechat", enabled: true }, kind: "access_token" } });
      const quota = (await viewOf(token.id))!.quota!;
      expect(quota.used).toBeGreaterThan(0);
      await recordWechatCall(token.appRef, quota.endpoint);
      expect(await render()).toMatchObject({ full: false, apps: 1, swept: 0 });
      expect((await viewOf(token.id))?.quota?.used).toBe(quota.used + 1);
      expect(await render()).toMatchObject({ full: false, apps: 0 });
    });

    it("finds a call that started long before the render and was recorded since the last one (within a vendor timeout and the margins of it)", async () => {
      expect(await render()).toMatchObject({ full: false });
      const lastLook = Date.now();
      const token = await db.credential.findFirstOrThrow({ where: { app: { vendor: "wechat", enabled: true }, kind: "access_token" } });
      const quota = (await viewOf(token.id))!.quota!;
      await new Promise((r) => setTimeout(r, 1_000));
      // Within the margin of the last look, but not of this render's (a second later): found only when the look reaches back from
      // the last one. 200 ms inside it: the server's clock (clock.ts, the database's) may differ from this host's by a few ms.
      await recordWechatCall(token.appRef, quota.endpoint, new Date(lastLook - kept.callMarginMs() + 200));
      expect(await render()).toMatchObject({ full: false, apps: 1, swept: 0 });
      expect((await viewOf(token.id))?.quota?.used).toBe(quota.used + 1);
    });

    it("reads in full after a pause longer than fullAfterMs (a dashboard closed for a while), not every call since", async () => {
      const pause = kept.listSweep.fullAfterMs;
      try {
        await render();
        kept.listSweep.fullAfterMs = 2_000;
        expect(await render()).toMatchObject({ full: false });
        await new Promise((r) => setTimeout(r, 2_500));
        expect(await render()).toMatchObject({ full: true });
      } finally {
        kept.listSweep.fullAfterMs = pause;
      }
    });

    it("reads every app again over a sweep of the renders: a failure written on a host whose clock is a minute behind shows without a full read", async () => {
      const period = kept.listSweep.everyMs;
      try {
        kept.listSweep.everyMs = 3_600_000;
        expect(await render()).toMatchObject({ full: false });
        const yzb = await db.credential.findFirstOrThrow({ where: { app: { vendor: "yzb" } } });
        await db.credential.update({ where: { id: yzb.id }, data: { status: "failing", consecutiveFailures: 2, updatedAt: new Date(Date.now() - 60_000) } });
        // Within the period its turn has not come: the render still says what it read before.
        expect((await viewOf(yzb.id))?.consecutiveFailures).toBe(0);
        // Its turn comes (the period has passed): read again, not in full.
        kept.listSweep.everyMs = 1;
        await new Promise((r) => setTimeout(r, 5));
        const read = await render();
        expect(read).toMatchObject({ full: false });
        expect(read.swept).toBeGreaterThan(0);
        expect(await viewOf(yzb.id)).toMatchObject({ status: "failing", consecutiveFailures: 2 });
      } finally {
        kept.listSweep.everyMs = period;
      }
    });
  });
}
