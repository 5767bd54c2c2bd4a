// Thousands of apps straight into a running stack's SQLite database, as an import would (3,000
// admin-API calls take minutes on a busy machine). Every credential holds a value fetched a while
// ago and a planned next refresh; the stack must run with TICKETHUB_SECRET_KEY = SEED_SECRET_KEY so
// the values stored here decrypt there.
// Uses its own database client and key: nothing in this process's environment changes, so a stack
// started after a seeding (bench/run-all.ts runs several) gets its own fresh database.
import { randomUUID } from "node:crypto";
import path from "node:path";
import type { CredentialCreateManyInput, CredentialVersionCreateManyInput } from "../generated/sqlite/models";
import type { Stack } from "../e2e/support/stack";
import type { Db } from "../server/db";

export const SEED_SECRET_KEY = "5a".repeat(32);

const hex = (i: number, n: number) => i.toString(16).padStart(n, "0");

/** `perVendor` apps of each vendor (750 → 3,000 apps, ~6,750 credentials), named after `label`. */
export function seedAppList(perVendor: number, label: string) {
  return Array.from({ length: perVendor }, (_, i) => [
    { vendor: "wechat", appId: `wx${hex(i, 16)}`, name: `WeChat ${label} ${i}` },
    { vendor: "feishu", appId: `cli_${hex(i, 16)}`, name: `Feishu ${label} ${i}` },
    { vendor: "faceid", appId: `IDS${hex(i, 5)}`, name: `FaceID ${label} ${i}` },
    { vendor: "yzb", appId: `yzb${label}${i}`, name: `yzb ${label} ${i}` },
  ]).flat();
}

export type SeedOptions = {
  apps: { vendor: string; appId: string; name: string }[];
  secretOf: (appId: string) => string;
  /** Now, in the stack's (possibly fast) clock, ms. */
  now: () => number;
  /** Values were fetched up to this long before `now`. */
  fetchedWithinMs: number;
  /** When each credential's next refresh is planned, given `now`. */
  nextRefreshAt: (at: number) => number;
};

/** Adds the apps, one credential per kind each, with their values; returns how many credentials and how long it took. */
export async function seedApps(stack: Stack, o: SeedOptions): Promise<{ apps: number; credentials: number; seconds: number }> {
  const started = Date.now();
  const { encrypt, valueHash } = await import("../server/crypto");
  const { VENDOR_KINDS } = await import("../lib/credential-kinds");
  const key = Buffer.from(SEED_SECRET_KEY, "hex");
  let credentials = 0;
  await withStackDb(stack, async (db) => {
    for (let i = 0; i < o.apps.length; i += 500) {
      const chunk = o.apps.slice(i, i + 500);
      await db.vendorApp.createMany({ data: chunk.map((a) => ({ ...a, secretEnc: encrypt(o.secretOf(a.appId), key), baseUrl: stack.sandboxUrl })) });
      const rows = await db.vendorApp.findMany({ where: { appId: { in: chunk.map((a) => a.appId) } }, select: { id: true, vendor: true } });
      const at = o.now();
      const creds: CredentialCreateManyInput[] = [];
      const versions: CredentialVersionCreateManyInput[] = [];
      for (const r of rows) {
        let tokenVersion: string | null = null;
        for (const k of VENDOR_KINDS[r.vendor as keyof typeof VENDOR_KINDS]) {
          const id = randomUUID();
          const versionId = randomUUID();
          const value = randomUUID().replaceAll("-", "");
          const fetchedAt = at - Math.random() * o.fetchedWithinMs;
          if (k.kind === "access_token") tokenVersion = versionId;
          creds.push({
            id,
            appRef: r.id,
            kind: k.kind,
            generation: 1,
            currentVersionId: versionId,
            status: "active",
            nextRefreshAt: new Date(o.nextRefreshAt(at)),
            nextRefreshReason: "scheduled",
          });
          versions.push({
            id: versionId,
            credentialId: id,
            generation: 1,
            valueEnc: encrypt(value, key),
            valueHash: valueHash(value, key),
            fetchedAt: new Date(fetchedAt),
            expiresIn: 7200,
            expiresAt: new Date(fetchedAt + 7_200_000),
            parentVersionId: k.kind === "access_token" ? null : tokenVersion,
          });
        }
      }
      // In one transaction, as the lifecycle stores a value (server/tickets/store-version.ts): the
      // instance's read cache never sees a credential whose value is not there yet. (Seeded apart,
      // it recorded such a credential's generation without a value and, as nothing moved it again,
      // sent most reads of the scale benchmark to the database until its next full load.)
      await db.$transaction([db.credential.createMany({ data: creds }), db.credentialVersion.createMany({ data: versions })]);
      credentials += creds.length;
    }
  });
  return { apps: o.apps.length, credentials, seconds: (Date.now() - started) / 1000 };
}

/** `work` with a database client of the stack's own SQLite file, disconnected afterwards. */
async function withStackDb<T>(stack: Stack, work: (db: Db) => Promise<T>): Promise<T> {
  const { createDb } = await import("../server/db");
  const file = path.join(stack.dataDir, "tickethub.db");
  const db = createDb({ provider: "sqlite", url: `file:${file}`, file });
  try {
    return await work(db);
  } finally {
    await db.$disconnect();
  }
}

/** How many credentials the stack's database holds and how many values were fetched in all (generations). */
export function countGenerations(stack: Stack): Promise<{ credentials: number; generations: number }> {
  return withStackDb(stack, async (db) => {
    const rows = await db.credential.findMany({ select: { generation: true } });
    return { credentials: rows.length, generations: rows.reduce((n, c) => n + c.generation, 0) };
  });
}

/**
 * How many credentials of enabled apps were still due at `atMs` (the stack's clock) by more than
 * `graceMs`: planned refreshes that had not started by then. A plan that another refresh replaced (a
 * ticket renewed with its token) is not one of them, nor is a refresh running (it holds the lease: its
 * "in progress" mark sets the next refresh to its start, which a slow vendor call leaves behind).
 */
export function countOverdue(stack: Stack, atMs: number, graceMs: number): Promise<number> {
  return withStackDb(stack, (db) =>
    db.credential.count({ where: { app: { enabled: true }, nextRefreshAt: { lt: new Date(atMs - graceMs) }, lease: { is: null } } }),
  );
}
