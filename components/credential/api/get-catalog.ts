"use client";
import { queryOptions, useQuery } from "@tanstack/react-query";
import { catalogKeys } from "@/lib/query-keys";
import { fetchJson } from "@/components/ui/fetch-json";

// Which credential slots exist (app, kind, id), for the tools' pickers: the NONCE desk, the
// signature tools and the yzb tools need names, not the state of every credential.
const catalogSchema = () => import("@/lib/catalog-view").then((m) => m.catalogSchema);

export const getCatalog = ({ signal }: { signal?: AbortSignal } = {}) => fetchJson("/api/catalog", catalogSchema, { cache: "no-store", signal });

// Apps change rarely; the change stream invalidates this when they do.
export const catalogQueryOptions = queryOptions({ queryKey: catalogKeys.all, queryFn: getCatalog, staleTime: 60_000 });

export function useCatalog() {
  return useQuery(catalogQueryOptions);
}
