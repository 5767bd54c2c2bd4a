// Thousands of apps straight into a running stack's database, as an import would (3,000 admin-API
// calls take minutes on a busy machine). The minimal part of bench/scale.ts's seeding, for benches
// that need many apps but no refreshes: every credential holds a value fetched within the last hour
// and its next refresh is planned after the bench is over (so the sandbox needs to know no app).
// The stack must run with TICKETHUB_SECRET_KEY = SEED_SECRET_KEY, so the values stored here decrypt there.
import { randomUUID } from "node:crypto";
import path from "node:path";
import type { CredentialCreateManyInput, CredentialVersionCreateManyInput } from "../generated/sqlite/models";
import type { Stack } from "../e2e/support/stack";

export const SEED_SECRET_KEY = "5a".repeat(32);

const hex = (i: number, n: number) => i.toString(16).padStart(n, "0");

/** `perVendor` apps of each vendor (750 → 3,000 apps, ~6,750 credentials); returns how many credentials and how long it took. */
export async function seedApps(stack: Stack, perVendor: number): Promise<{ apps: number; credentials: number; seconds: number }> {
  const started = Date.now();
  const apps = Array.from({ length: perVendor }, (_, i) => [
    { vendor: "wechat", appId: `wx${hex(i, 16)}`, name: `WeChat seeded ${i}` },
    { vendor: "feishu", appId: `cli_${hex(i, 16)}`, name: `Feishu seeded ${i}` },
    { vendor: "faceid", appId: `IDS${hex(i, 5)}`, name: `FaceID seeded ${i}` },
    { vendor: "yzb", appId: `yzbseed${i}`, name: `yzb seeded ${i}` },
  ]).flat();
  process.env.DATABASE_URL = `file:${path.join(stack.dataDir, "tickethub.db")}`;
  process.env.TICKETHUB_DATA_DIR = stack.dataDir;
  process.env.TICKETHUB_SECRET_KEY = SEED_SECRET_KEY;
  const { getDb } = await import("../server/db");
  const { encrypt, valueHash } = await import("../server/crypto");
  const { VENDOR_KINDS } = await import("../lib/credential-kinds");
  const db = getDb();
  let credentials = 0;
  for (let i = 0; i < apps.length; i += 500) {
    const chunk = apps.slice(i, i + 500);
    await db.vendorApp.createMany({ data: chunk.map((a) => ({ ...a, secretEnc: encrypt(`seed-secret-${a.appId}`), baseUrl: stack.sandboxUrl })) });
    const rows = await db.vendorApp.findMany({ where: { appId: { in: chunk.map((a) => a.appId) } }, select: { id: true, vendor: true } });
    const at = Date.now();
    const creds: CredentialCreateManyInput[] = [];
    const versions: CredentialVersionCreateManyInput[] = [];
    for (const r of rows) {
      let tokenVersion: string | null = null;
      for (const k of VENDOR_KINDS[r.vendor as keyof typeof VENDOR_KINDS]) {
        const id = randomUUID();
        const versionId = randomUUID();
        const value = randomUUID().replaceAll("-", "");
        const fetchedAt = at - Math.random() * 600_000;
        if (k.kind === "access_token") tokenVersion = versionId;
        creds.push({
          id,
          appRef: r.id,
          kind: k.kind,
          generation: 1,
          currentVersionId: versionId,
          status: "active",
          nextRefreshAt: new Date(at + 3_600_000 + Math.random() * 600_000),
          nextRefreshReason: "scheduled",
        });
        versions.push({
          id: versionId,
          credentialId: id,
          generation: 1,
          valueEnc: encrypt(value),
          valueHash: valueHash(value),
          fetchedAt: new Date(fetchedAt),
          expiresIn: 7200,
          expiresAt: new Date(fetchedAt + 7_200_000),
          parentVersionId: k.kind === "access_token" ? null : tokenVersion,
        });
      }
    }
    await db.credential.createMany({ data: creds });
    await db.credentialVersion.createMany({ data: versions });
    credentials += creds.length;
  }
  await db.$disconnect();
  return { apps: apps.length, credentials, seconds: (Date.now() - started) / 1000 };
}
