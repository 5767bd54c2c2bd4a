import "server-only";
import type { ReactNode } from "react";
import { Prefetched } from "@/components/ui/prefetched";
import { catalogKeys } from "@/lib/query-keys";
import { currentUser } from "@/server/http/current-user";
import { credentialCatalog } from "@/server/live/catalog";

/**
 * The tools' pages (NONCE desk, signatures, yzb) with their app pickers already in the HTML (the
 * catalog, as GET /api/catalog answers it): fetched after the page, "Loading apps…" turned into a
 * taller picker and pushed each form down under a pointer.
 */
export async function CatalogPrefetch({ children }: { children: ReactNode }) {
  const signedIn = Boolean(await currentUser());
  const catalog = { queryKey: catalogKeys.all, queryFn: async () => ({ credentials: await credentialCatalog() }) };
  return <Prefetched queries={signedIn ? [catalog] : []}>{children}</Prefetched>;
}
