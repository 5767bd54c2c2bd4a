import "server-only";
import { dehydrate, HydrationBoundary } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { getQueryClient } from "@/lib/query-client";
import { pageTopics } from "@/server/live/changes";
import { LiveSeed } from "./live-updates";

/** A query read on the server: its key in the browser's cache and the function that answers it (the API route's own). */
export type ServerQuery = { queryKey: readonly unknown[]; queryFn: () => Promise<unknown> };

/**
 * `children` with their first data already in the HTML: each query is read on the server, with the
 * same function and answer as its API route, and handed to the browser's query cache (TanStack's
 * HydrationBoundary), so the page is drawn with its data instead of growing as fetches arrive. A
 * read that fails here is left out (a server render does not retry: lib/query-client.ts) and the
 * page asks for it as before. The change stamps are read first and go with the data (LiveSeed): the
 * browser then reads again only what moved after them, not the whole page once more.
 */
export async function Prefetched({ queries, children }: { queries: readonly ServerQuery[]; children: ReactNode }) {
  const queryClient = getQueryClient();
  const topics = await pageTopics();
  await Promise.all(queries.map((q) => queryClient.prefetchQuery(q)));
  // A read that failed is asked by the browser, which may fail too: the stream's first message then
  // reads it again (no stamps said), as it would without a server render.
  const allRead = queries.every((q) => queryClient.getQueryState(q.queryKey)?.status === "success");
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <LiveSeed topics={allRead ? topics : null} />
      {children}
    </HydrationBoundary>
  );
}
