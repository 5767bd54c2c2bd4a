// Every vendor call is kept for the retention (30 days by default): with thousands of apps, millions
// of UpstreamCall rows. The queries that run again and again over today's calls (each scheduled
// refresh's quota check, each /api/metrics scrape's ledger, each alert evaluation, every 15 s in every
// instance) must go straight to today's rows by an index, not walk the whole history: the alerts'
// quota queries scanned every row ever kept, and an app's ledger every call of the app in the history.
// Retention, once an hour, finds what is old by an index on time too: the vendor calls, and the
// values kept as history (each refresh keeps one: millions over the retention with thousands of apps).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { swapInCountingClient } from "@/test-support/counting-db";
import { startHarness, type Harness } from "@/test-support/engine-harness";
import { openPlanReader } from "@/test-support/query-plan";

describe("queries over today's vendor calls (SQLite)", () => {
  let h: Harness;
  let db: import("@/server/db").Db;
  let file: string;
  const queries: { sql: string; params: unknown[] }[] = [];

  beforeAll(async () => {
    h = await startHarness("sqlite");
    ({ db, file } = await swapInCountingClient((s) => queries.push({ sql: s.query, params: JSON.parse(s.params) as unknown[] })));
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  /** How SQLite runs each statement `run` sent that reads `table`: one plan line per step. */
  async function plansOf(run: () => Promise<unknown>, table = "UpstreamCall"): Promise<string[][]> {
    queries.length = 0;
    await run();
    const plans = await openPlanReader(file);
    try {
      return queries
        .filter((q) => q.sql.includes(`\`${table}\``) && q.sql.startsWith("SELECT"))
        .map((q) => plans.steps(q.sql, q.params).filter((d) => d.includes(table)));
    } finally {
      plans.close();
    }
  }

  /**
   * One run of the retention, with the plans of its reads of `table` (plansOf) and the DELETEs it
   * sent to it, each checked to name at most one batch of rows (its `IN (…)` list; a cutoff may come beside it).
   */
  async function pruneWithPlans(table: string) {
    const { pruneHistory } = await import("../tickets/history");
    const { IN_BATCH } = await import("../db-batch");
    let pruned: Awaited<ReturnType<typeof pruneHistory>> | undefined;
    const plans = await plansOf(async () => {
      pruned = await pruneHistory(db);
    }, table);
    const deletes = queries.filter((q) => q.sql.startsWith("DELETE") && q.sql.includes(`\`${table}\``));
    const named = (sql: string) => sql.match(/ IN \(([?,\s]*)\)/)?.[1]?.match(/\?/g)?.length ?? Number.POSITIVE_INFINITY;
    for (const d of deletes) expect(named(d.sql)).toBeLessThanOrEqual(IN_BATCH);
    return { pruned: pruned!, plans, deletes };
  }

  it("an app's quota ledger and the alerts' quota candidates search today's calls by an index, never scan the history", async () => {
    const { quotaLedger } = await import("./quota");
    const { alertCandidates } = await import("../alerts/candidates");
    const apps = await db.vendorApp.findMany();
    const at = new Date();
    const plans = [
      ...(await plansOf(() => quotaLedger(db, apps.slice(0, 1), at))),
      ...(await plansOf(() => quotaLedger(db, apps, at))),
      ...(await plansOf(() => alertCandidates(db, at, { expiryMarginSeconds: 600, quotaPercent: 80 }))),
    ];
    // The ledger (twice) and the alerts' two quota queries (refused today, near a published limit).
    expect(plans.length).toBeGreaterThanOrEqual(4);
    for (const steps of plans) {
      expect(steps.length).toBeGreaterThan(0);
      for (const step of steps) {
        expect(step).toMatch(/^SEARCH (main\.)?UpstreamCall USING (COVERING )?INDEX /);
        expect(step).toMatch(/\bday=\?/);
      }
    }
  });

  it("retention finds the calls older than its cutoff by an index on their time, and deletes them a batch at a time", async () => {
    const { IN_BATCH } = await import("../db-batch");
    const app = await db.vendorApp.findFirstOrThrow();
    const old = new Date(Date.now() - 40 * 86_400_000);
    const expired = 2 * IN_BATCH + 100;
    await db.upstreamCall.createMany({
      data: Array.from({ length: expired }, (_, i) => ({
        appRef: app.id,
        vendor: app.vendor,
        endpoint: "/cgi-bin/token",
        method: "GET",
        day: "2000-01-01",
        startedAt: new Date(old.getTime() + i),
        latencyMs: 1,
      })),
    });
    const kept = await db.upstreamCall.count({ where: { startedAt: { gte: new Date(Date.now() - 86_400_000) } } });
    const { pruned, plans, deletes } = await pruneWithPlans("UpstreamCall");
    expect(pruned.calls).toBe(expired);
    expect(await db.upstreamCall.count({ where: { startedAt: { lt: new Date(Date.now() - 86_400_000) } } })).toBe(0);
    expect(await db.upstreamCall.count()).toBe(kept);
    // Its reads of UpstreamCall: a search by the time index, never a scan of the whole history.
    expect(plans.length).toBeGreaterThanOrEqual(3);
    for (const steps of plans)
      for (const step of steps) expect(step).toMatch(/^SEARCH (main\.)?UpstreamCall USING (COVERING )?INDEX UpstreamCall_startedAt_idx \(startedAt<\?\)/);
    // The deletes: one batch each (the event loop runs between them), not one statement for all.
    expect(deletes.length).toBeGreaterThanOrEqual(3);
  });

  it("retention finds the versions that ended before its cutoff by an index on their expiry, and keeps the current ones", async () => {
    const { IN_BATCH } = await import("../db-batch");
    const credential = await db.credential.findFirstOrThrow({ where: { currentVersionId: null } });
    const old = new Date(Date.now() - 40 * 86_400_000);
    // Superseded values 40 days old, a few to each second: the batches end between versions of the same expiry.
    const ended = 2 * IN_BATCH + 100;
    await db.credentialVersion.createMany({
      data: Array.from({ length: ended }, (_, i) => ({
        credentialId: credential.id,
        generation: -1 - i,
        valueEnc: "x",
        valueHash: `ended-${i}`,
        fetchedAt: old,
        expiresIn: 7200,
        expiresAt: new Date(old.getTime() + (i % 7) * 1000),
        supersededAt: old,
        validUntil: new Date(old.getTime() + 60_000),
      })),
    });
    // Its current value expired as long ago (a disabled app's): kept whatever its age.
    const current = await db.credentialVersion.create({
      data: {
        credentialId: credential.id,
        generation: 1,
        valueEnc: "x",
        valueHash: `current-${credential.id}`,
        fetchedAt: old,
        expiresIn: 7200,
        expiresAt: old,
      },
    });
    await db.credential.update({ where: { id: credential.id }, data: { currentVersionId: current.id } });
    try {
      await expectPrunedByExpiry(current.id, ended);
    } finally {
      // Put back what this test added (whatever it found), so no test after it sees them.
      await db.credential.update({ where: { id: credential.id }, data: { currentVersionId: null } });
      await db.credentialVersion.deleteMany({ where: { OR: [{ id: current.id }, { valueHash: { startsWith: "ended-" } }] } });
    }
  });

  async function expectPrunedByExpiry(currentId: string, ended: number) {
    const before = await db.credentialVersion.count();
    const { pruned, plans, deletes } = await pruneWithPlans("CredentialVersion");
    expect(pruned.versions).toBe(ended);
    expect(await db.credentialVersion.count({ where: { valueHash: { startsWith: "ended-" } } })).toBe(0);
    expect(await db.credentialVersion.count()).toBe(before - ended);
    expect(await db.credentialVersion.findUnique({ where: { id: currentId } })).not.toBeNull();
    // Deleted a batch at a time (pruneWithPlans checks each one's size), not in one statement.
    expect(deletes.length).toBeGreaterThanOrEqual(3);
    // Its reads of CredentialVersion: searches (the current values' lineage by id, the ended ones by
    // the expiry index), never a walk over every version kept.
    for (const steps of plans) for (const step of steps) expect(step).toMatch(/^SEARCH /);
    const byExpiry = plans.filter((steps) => steps.some((s) => /USING (COVERING )?INDEX CredentialVersion_expiresAt_id_idx \(expiresAt[<>=]/.test(s)));
    expect(byExpiry.length).toBeGreaterThanOrEqual(3);
    // After the first batch each one starts where the last ended, not at the index's oldest entry.
    expect(byExpiry.slice(1).every((steps) => steps.some((s) => /\(expiresAt>\?/.test(s)))).toBe(true);
  }

  it("retention deletes the NONCE tickets issued before its cutoff, found by their issue time, and keeps the recent ones", async () => {
    const { IN_BATCH } = await import("../db-batch");
    const app = await db.vendorApp.findFirstOrThrow();
    const old = new Date(Date.now() - 40 * 86_400_000);
    const recent = new Date(Date.now() - 60_000);
    const nonce = (issuedAt: Date, i: number, tag: string) => ({
      appRef: app.id,
      userId: `user-${i}`,
      valueEnc: "x",
      valueHash: `${tag}-${i}`,
      issuedBy: "qa",
      issuedAt: new Date(issuedAt.getTime() + i),
      expiresIn: 120,
      expiresAt: new Date(issuedAt.getTime() + i + 120_000),
    });
    const expired = IN_BATCH + 50;
    await db.nonceTicket.createMany({ data: Array.from({ length: expired }, (_, i) => nonce(old, i, "old-nonce")) });
    await db.nonceTicket.createMany({ data: Array.from({ length: 3 }, (_, i) => nonce(recent, i, "recent-nonce")) });
    try {
      const { pruned, plans, deletes } = await pruneWithPlans("NonceTicket");
      expect(pruned.nonces).toBe(expired);
      expect(await db.nonceTicket.count({ where: { valueHash: { startsWith: "old-nonce-" } } })).toBe(0);
      expect(await db.nonceTicket.count({ where: { valueHash: { startsWith: "recent-nonce-" } } })).toBe(3);
      // Found by the index on the issue time (a full batch, the rest, then none left), and deleted a batch at a time.
      expect(plans.length).toBeGreaterThanOrEqual(3);
      for (const steps of plans) {
        expect(steps.length).toBeGreaterThan(0);
        for (const step of steps) expect(step).toMatch(/^SEARCH (main\.)?NonceTicket USING (COVERING )?INDEX NonceTicket_issuedAt_idx \(issuedAt<\?\)/);
      }
      expect(deletes.length).toBeGreaterThanOrEqual(2);
    } finally {
      // Whatever it left (all of them if the retention failed).
      await db.nonceTicket.deleteMany({ where: { OR: [{ valueHash: { startsWith: "recent-nonce-" } }, { valueHash: { startsWith: "old-nonce-" } }] } });
    }
  });
});
