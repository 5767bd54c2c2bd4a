import "server-only";
import type { VendorApp } from "@/generated/sqlite/client";
import { vendorDay } from "@/lib/vendor-day";
import { getConfig } from "../config";
import { countUpstreamCall } from "../metrics/registry";
import { decrypt } from "../crypto";
import type { Db } from "../db";
import type { CallRecord, VendorContext } from "../vendors/types";

/** Everything a vendor module needs to call for an app; every call is recorded against it. */
export function vendorContext(db: Db, app: VendorApp, credentialId: string | null): VendorContext {
  return {
    baseUrl: app.baseUrl,
    appId: app.appId,
    secret: decrypt(app.secretEnc),
    tokenVariant: app.tokenVariant,
    tokenPath: app.tokenPath,
    timeoutMs: getConfig().upstreamTimeoutMs,
    record: async (call: CallRecord) => {
      countUpstreamCall({ vendor: app.vendor, endpoint: call.endpoint, status: call.errorClass ? call.errorClass : "ok" }, call.latencyMs / 1000);
      // Only the key read back (a bare create returns the row, the redacted response body with it).
      // Not createMany: Prisma never caches its query plan, and compiling the plans of a refresh's
      // three inserts again every time was ~5 % of a core with 3,000 apps at 12× (bench/scale.ts).
      await db.upstreamCall.create({
        select: { id: true },
        data: {
          ...call,
          appRef: app.id,
          credentialId,
          vendor: app.vendor,
          day: vendorDay(call.startedAt),
        },
      });
    },
  };
}
