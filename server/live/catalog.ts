import "server-only";
import type { CatalogEntry } from "@/lib/catalog-view";
import { credentialList } from "./list-cache";

/** Which credential slots exist (enabled apps only), from the same shared list as the overview: no state, no values. */
export async function credentialCatalog(): Promise<CatalogEntry[]> {
  const { credentials } = await credentialList();
  return credentials.map(({ id, vendor, vendorLabel, appRef, appId, appName, kind, kindLabel }) => ({
    id,
    vendor,
    vendorLabel,
    appRef,
    appId,
    appName,
    kind,
    kindLabel,
  }));
}
