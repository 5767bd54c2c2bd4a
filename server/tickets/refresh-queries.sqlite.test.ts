// How many database queries one scheduled refresh makes. With thousands of apps the scheduler
// refreshes a couple of credentials every second, each one's queries beside the others' and the
// read cache's; every query a refresh can do without (a row it already read, a write that fits in
// the transaction it already opens) is throughput lost. The bounds are what the refresh needs:
// the lease, one read of the credential with its app, the quota ledger, the in-progress mark, the
// parent token (tickets), the vendor call's record, the compare-and-set transaction, the release;
// none of its writes reads back more than the key it wrote; and once a refresh of its kind has run,
// the next one compiles no query plan (Prisma caches plans, but never createMany's).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { swapInCountingClient } from "@/test-support/counting-db";
import { startHarness, type Harness } from "@/test-support/engine-harness";

describe("queries per scheduled refresh (SQLite)", () => {
  let h: Harness;
  let db: import("@/server/db").Db;
  let refresh: typeof import("./refresh-credential").refreshCredential;
  let now: typeof import("@/server/clock").now;
  const queries: string[] = [];

  beforeAll(async () => {
    h = await startHarness("sqlite");
    ({ db } = await swapInCountingClient((s) => queries.push(s.query)));
    refresh = (await import("./refresh-credential")).refreshCredential;
    now = (await import("@/server/clock")).now;
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  /** The statements one scheduled refresh of the demo app's `kind` sends (the lease's heartbeat aside). */
  async function scheduled(vendor: string, kind: string): Promise<string[]> {
    const slot = await db.credential.findFirstOrThrow({ where: { kind, app: { vendor, appId: { contains: "demo" } } } });
    await db.credential.update({ where: { id: slot.id }, data: { nextRefreshAt: now() } });
    queries.length = 0;
    const result = await refresh({ credentialId: slot.id, reason: "scheduled", need: { type: "due" } });
    const sent = queries.filter((q) => !q.includes("RefreshLease` SET"));
    expect(result).toMatchObject({ ok: true, joined: false });
    // No write reads back the row it wrote (Prisma's create and update return every column: the
    // encrypted value, the vendor's redacted body), which the refresh never uses: at most its key.
    const keyOf: Record<string, string> = { RefreshLease: "credentialId", UpstreamCall: "id", CredentialVersion: "id" };
    const readBack = sent
      .filter((q) => /^(INSERT|UPDATE)/.test(q) && /RETURNING/.test(q))
      .map((q) => ({ insert: q.match(/^INSERT INTO `main`\.`(\w+)`/)?.[1], cols: q.replace(/^.*RETURNING\s+/s, "").trim() }));
    expect(readBack.filter(({ insert, cols }) => !insert || cols !== `\`${keyOf[insert]}\` AS \`${keyOf[insert]}\``)).toEqual([]);
    expect((await db.credential.findUniqueOrThrow({ where: { id: slot.id } })).generation).toBe(slot.generation + 1);
    return sent;
  }

  it("a token's scheduled refresh", async () => {
    await scheduled("wechat", "access_token"); // the first value (no previous version to supersede)
    expect((await scheduled("wechat", "access_token")).length).toBeLessThanOrEqual(13);
  });

  it("the lease ends in the transaction that stores the value: the new value is never seen still 'refreshing' (one change for the stamps and the dashboard)", async () => {
    const sent = await scheduled("wechat", "access_token");
    const at = (re: RegExp) => sent.findIndex((q) => re.test(q));
    const stored = at(/^INSERT INTO \S*CredentialVersion/);
    const released = sent.map((q, i) => (/^DELETE FROM \S*RefreshLease/.test(q) ? i : -1)).filter((i) => i >= 0);
    const commit = sent.findIndex((q, i) => i > stored && /^COMMIT/.test(q));
    expect(stored).toBeGreaterThan(0);
    expect(released).toHaveLength(1);
    expect(released[0]).toBeGreaterThan(stored);
    expect(released[0]).toBeLessThan(commit);
  });

  it("a refresh like one before it compiles no query plan (the query compiler's work; createMany's plan is never cached)", async () => {
    // Prisma's own debug log says whether each query's plan came from its cache.
    const said: string[] = [];
    const warn = console.warn;
    const g = globalThis as { DEBUG?: string; DEBUG_COLORS?: boolean };
    const was = { debug: g.DEBUG, colors: g.DEBUG_COLORS };
    console.warn = (...args: unknown[]) => void said.push(args.map(String).join(" "));
    g.DEBUG = "prisma:client:clientEngine";
    g.DEBUG_COLORS = false;
    // The plan Prisma logs right after each miss says which query it was: a lease's heartbeat (a
    // refresh slower than a fifth of the lease's life, on a loaded machine) is not the refresh's own.
    const compiled = () => said.filter((line, i) => line.includes("query plan cache miss") && !(said[i + 1] ?? "").includes("RefreshLease` SET")).length;
    try {
      // A query shape this client has never seen: the log must say it was compiled, or it says nothing of use.
      await db.credentialVersion.findMany({ where: { valueHash: "x", supersededAt: null, expiresIn: { gt: 1 } }, take: 3 });
      expect(compiled()).toBe(1);
      for (const [vendor, kind] of [
        ["wechat", "access_token"],
        ["wechat", "jsapi_ticket"],
      ] as const) {
        // Two first: a kind's first refresh here may store its first value (nothing to supersede); after them every shape a refresh sends has been seen.
        await scheduled(vendor, kind);
        await scheduled(vendor, kind);
        said.length = 0;
        await scheduled(vendor, kind);
        expect({ vendor, kind, compiled: compiled() }).toEqual({ vendor, kind, compiled: 0 });
      }
    } finally {
      console.warn = warn;
      g.DEBUG = was.debug;
      g.DEBUG_COLORS = was.colors;
    }
  });

  it("a ticket's scheduled refresh with a usable token: the token is read, not fetched", async () => {
    await scheduled("wechat", "jsapi_ticket");
    const tokenCalls = (await h.stats()).calls["wechat /cgi-bin/token"];
    const sent = await scheduled("wechat", "jsapi_ticket");
    expect(sent.length).toBeLessThanOrEqual(15);
    expect((await h.stats()).calls["wechat /cgi-bin/token"]).toBe(tokenCalls);
  });
});
