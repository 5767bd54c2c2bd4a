import { guarded } from "@/server/http/guard";
import { json } from "@/server/http/problem";
import { credentialCatalog } from "@/server/live/catalog";

/**
 * GET /api/catalog → {credentials: [{id, vendor, vendorLabel, appRef, appId, appName, kind, kindLabel}]}:
 * which credential slots exist, for the tools' pickers (NONCE desk, signatures, yzb), without their state.
 */
export const GET = guarded("viewer", "GET /api/catalog", async () => json({ credentials: await credentialCatalog() }));
