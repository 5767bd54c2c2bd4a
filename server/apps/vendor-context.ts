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
      // createMany: nothing read back (create returns the row, the redacted response body with it).
      await db.upstreamCall.createMany({
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
