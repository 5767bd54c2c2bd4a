import "server-only";
import { VENDOR_KINDS, type VendorId } from "@/lib/credential-kinds";
import { now } from "../clock";
import { encrypt } from "../crypto";
import type { Db } from "../db";
import { DEMO_APPS } from "@/lib/demo-apps"; // shared with the sandbox

/** Creates the demo apps and their credential slots once; existing rows are left as they are. */
export async function seedDemoApps(db: Db, sandboxUrl: string): Promise<number> {
  let created = 0;
  for (const demo of DEMO_APPS) {
    const key = { vendor_appId: { vendor: demo.vendor, appId: demo.appId } };
    const existing = await db.vendorApp.findUnique({ where: key });
    // upsert with an empty update: instances starting together never fail on the unique key.
    const app =
      existing ??
      (await db.vendorApp.upsert({
        where: key,
        create: { vendor: demo.vendor, name: demo.name, appId: demo.appId, secretEnc: encrypt(demo.secret), baseUrl: sandboxUrl, demo: true },
        update: {},
      }));
    if (!existing) created++;
    await ensureCredentialSlots(db, app.id, demo.vendor);
  }
  return created;
}

export async function ensureCredentialSlots(db: Db, appRef: string, vendor: VendorId) {
  for (const spec of VENDOR_KINDS[vendor]) {
    await db.credential.upsert({
      where: { appRef_kind: { appRef, kind: spec.kind } },
      create: { appRef, kind: spec.kind, nextRefreshAt: now(), nextRefreshReason: "first fetch" },
      update: {},
    });
  }
}
