import "server-only";
import { createHash, timingSafeEqual } from "node:crypto";
import type { VendorApp } from "@/generated/sqlite/client";
import type { VendorId } from "@/lib/credential-kinds";
import { decrypt } from "../crypto";
import { DatabaseUnavailableError, isDatabaseUnreachable } from "../errors";
import { cachedApp, staleApp } from "../fast/cache-store";
import { getDb } from "../db";
import { onCredentialsChanged } from "../events";
import { SingleFlight } from "../single-flight";

/** Lookups of one app in flight in this process (a herd of reads while the cache reloads): one query. An app change drops them. */
const lookups = new SingleFlight<VendorApp | null>();
onCredentialsChanged(() => lookups.forget());

/** An enabled app by its vendor-side id, or null. */
export async function findApp(vendor: VendorId, appId: string): Promise<VendorApp | null> {
  // The read cache knows every app as of its last reload; an app it does not know is looked up.
  let app = cachedApp(vendor, appId);
  if (!app) {
    try {
      app = await lookups.run(`${vendor}:${appId}`, () => getDb().vendorApp.findUnique({ where: { vendor_appId: { vendor, appId } } }));
    } catch (err) {
      if (!isDatabaseUnreachable(err)) throw err;
      // The database is down: the apps this instance last confirmed.
      app = staleApp(vendor, appId);
      if (!app) throw new DatabaseUnavailableError(`the ${vendor} app ${appId} was not confirmed before`);
    }
  }
  return app?.enabled ? app : null;
}

/** Compares a presented secret with the stored one in constant time. */
export function secretMatches(app: VendorApp, presented: string): boolean {
  const a = createHash("sha256").update(presented).digest();
  const b = createHash("sha256").update(decrypt(app.secretEnc)).digest();
  return timingSafeEqual(a, b);
}
