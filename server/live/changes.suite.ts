// The supplementary change stamp (changes.ts) on each database: an alert's notification outcome moves
// the alerts topic; and behind a read plane: the read plane reads the supplementary stamp for the change
// streams it serves and hands every read to its Next server, which then makes none of its own (one
// query per poll for the instance, not two), and reads again itself once they stop coming; a watch
// nobody needs stops, and starts again for the next listener.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startHarness, type Harness } from "@/test-support/engine-harness";

export function changesSuite(provider: "sqlite" | "postgresql") {
  describe(`change stamps: alert outcomes, reads shared between an instance's processes (${provider})`, () => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness(provider);
    }, 120_000);
    afterAll(async () => {
      vi.restoreAllMocks();
      await h?.close();
    });

    it("an alert's notification outcome (sent, failed) moves the alerts topic, and only it", async () => {
      const { getDb } = await import("@/server/db");
      const changes = await import("./changes");
      const alert = await getDb().alert.create({ data: { openKey: "test:outcome", kind: "test", subject: "outcome", message: "test alert" } });
      await changes.readChangesNow();
      const opened = changes.latestTopics()!;
      // The webhook answered a few seconds later: its outcome is what the alert list shows next.
      await getDb().alert.update({ where: { id: alert.id }, data: { lastDeliveryError: "webhook: HTTP 502" } });
      await changes.readChangesNow();
      const failed = changes.latestTopics()!;
      expect(failed.alerts).not.toBe(opened.alerts);
      expect({ ...failed, alerts: "" }).toEqual({ ...opened, alerts: "" });
      await getDb().alert.update({ where: { id: alert.id }, data: { firingSentAt: new Date(), lastDeliveryError: null } });
      await changes.readChangesNow();
      const sent = changes.latestTopics()!;
      expect(sent.alerts).not.toBe(failed.alerts);
      expect(sent.alerts).not.toBe(opened.alerts);
      await getDb().alert.update({ where: { id: alert.id }, data: { openKey: null, resolvedAt: new Date() } });
      await changes.readChangesNow();
      const resolved = changes.latestTopics()!;
      await getDb().alert.update({ where: { id: alert.id }, data: { resolvedSentAt: new Date() } });
      await changes.readChangesNow();
      expect(changes.latestTopics()!.alerts).not.toBe(resolved.alerts);
    });

    it("the keys topic moves when a key is created, used (to the minute) or revoked, and not when a credential is refreshed", async () => {
      const { getDb } = await import("@/server/db");
      const changes = await import("./changes");
      const db = getDb();
      await changes.readChangesNow();
      const before = changes.latestTopics()!;
      const key = await db.apiKey.create({ data: { name: "topic test", keyHash: `hash-${Date.now()}`, prefix: "thk_test", appRefs: "[]", createdBy: "test" } });
      await changes.readChangesNow();
      const created = changes.latestTopics()!;
      expect(created.keys).not.toBe(before.keys);
      // A refresh: the credentials topic moves, the key list's does not.
      const cred = await db.credential.findFirstOrThrow();
      await db.credential.update({ where: { id: cred.id }, data: { consecutiveFailures: { increment: 1 } } });
      await changes.readChangesNow();
      const refreshed = changes.latestTopics()!;
      expect(refreshed.credentials).not.toBe(created.credentials);
      expect(refreshed.keys).toBe(created.keys);
      await db.apiKey.update({ where: { id: key.id }, data: { lastUsedAt: new Date() } });
      await changes.readChangesNow();
      const used = changes.latestTopics()!;
      expect(used.keys).not.toBe(refreshed.keys);
      await db.apiKey.update({ where: { id: key.id }, data: { revokedAt: new Date() } });
      await changes.readChangesNow();
      expect(changes.latestTopics()!.keys).not.toBe(used.keys);
    });

    it("the reading process hands each read over; the fed process takes it, asks nothing itself meanwhile, and asks again when it stops", async () => {
      const { getDb } = await import("@/server/db");
      const changes = await import("./changes");
      const handed: import("./changes").SharedExtra[] = [];
      changes.shareChangeReads((extra) => handed.push(extra));
      await changes.readChangesNow();
      expect(handed).toHaveLength(1);
      expect(handed[0]!.nonces).toMatch(/\|/);

      // Now as the Next server: fed a read that says a NONCE ticket was issued.
      changes.shareChangeReads(() => {});
      const asked = vi.spyOn(getDb(), "$queryRawUnsafe");
      const before = changes.latestTopics()!;
      const fed = { ...handed[0]!, nonces: `${Date.now()}|0|1` };
      changes.extraShared(fed);
      const after = changes.latestTopics()!;
      expect(after.nonces).not.toBe(before.nonces);
      expect({ ...after, nonces: "" }).toEqual({ ...before, nonces: "" });
      // Polls right after a handed read ask nothing (within 1½ polls of it).
      await changes.readChangesNow();
      await changes.readChangesNow();
      expect(asked).not.toHaveBeenCalled();

      // No read handed for longer than that: the process reads itself again, and the database's own
      // answer (no NONCE issued) replaces the one it was fed.
      await new Promise((r) => setTimeout(r, 800));
      await changes.readChangesNow();
      expect(asked).toHaveBeenCalledTimes(1);
      expect(changes.latestTopics()!.nonces).toBe(before.nonces);
    });

    it("a watch nobody needed for a minute stops polling, and the next listener starts it again: it hears what moved meanwhile and what moves after", async () => {
      const { getDb } = await import("@/server/db");
      const changes = await import("./changes");
      changes.shareChangeReads(() => {});
      const db = getDb();
      const asked = vi.spyOn(db, "$queryRawUnsafe");
      // The supplementary stamp's query (readExtra), not the other raw queries of the process.
      const stampReads = () => asked.mock.calls.filter(([sql]) => String(sql).includes('"NonceTicket"')).length;
      const cred = await db.credential.findFirstOrThrow();
      const fail = () => db.credential.update({ where: { id: cred.id }, data: { consecutiveFailures: { increment: 1 } } });
      const heardMove = async (got: import("./changes").Topics[], from: string) => {
        for (let waited = 0; waited < 15_000 && !got.some((t) => t.credentials !== from); waited += 50) await new Promise((r) => setTimeout(r, 50));
        return got.find((t) => t.credentials !== from)?.credentials ?? null;
      };

      // Watched by a listener, which then goes.
      const first: import("./changes").Topics[] = [];
      changes.onTopicsChanged((t) => first.push(t))();
      await changes.readChangesNow();
      const before = changes.latestTopics()!.credentials;
      // A poll a minute after the last interest, with nobody listening, stops the watch.
      const realNow = Date.now;
      vi.spyOn(Date, "now").mockImplementation(() => realNow() + 61_000);
      await changes.readChangesNow();
      vi.mocked(Date.now).mockRestore();
      const readsWhenStopped = stampReads();
      await new Promise((r) => setTimeout(r, 1_300)); // more than two polls (POLL_MS)
      expect(stampReads()).toBe(readsWhenStopped);

      // A change while nobody watches, then a new listener (a tab opens the stream).
      await fail();
      const second: import("./changes").Topics[] = [];
      const stop = changes.onTopicsChanged((t) => second.push(t));
      try {
        const moved = await heardMove(second, before);
        expect(moved).not.toBeNull();
        // Polling again: a change after the restart is heard too, by the timer alone.
        await fail();
        expect(await heardMove(second, moved!)).not.toBeNull();
        expect(stampReads()).toBeGreaterThan(readsWhenStopped + 1);
      } finally {
        stop();
      }
    });
  });
}
