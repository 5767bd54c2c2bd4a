import "server-only";
import { dehydrate, HydrationBoundary } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { getQueryClient } from "@/lib/query-client";
import { catalogKeys } from "@/lib/query-keys";
import { currentUser } from "@/server/http/current-user";
import { credentialCatalog } from "@/server/live/catalog";

/**
 * The tools' pages (NONCE desk, signatures, yzb) with their app pickers already in the HTML: the
 * catalog is read on the server with the same function and answer as GET /api/catalog and handed to
 * the browser's query cache (TanStack's HydrationBoundary). Fetched after the page, "Loading apps…"
 * turned into a taller picker and pushed each form down under a pointer. Should the read fail here,
 * the page asks for it as before.
 */
export async function CatalogPrefetch({ children }: { children: ReactNode }) {
  const queryClient = getQueryClient();
  if (await currentUser()) {
    await queryClient.prefetchQuery({ queryKey: catalogKeys.all, queryFn: async () => ({ credentials: await credentialCatalog() }) });
  }
  return <HydrationBoundary state={dehydrate(queryClient)}>{children}</HydrationBoundary>;
}
