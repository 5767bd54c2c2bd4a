import { isServer, QueryClient } from "@tanstack/react-query";
import { shareById } from "./share-by-id";

function makeQueryClient() {
  return new QueryClient({
    defaultOptions: {
      // On the server (a page's prefetch) a failed read is not tried again: the page is sent
      // without it at once and the browser asks, rather than the page waiting a second for a retry.
      // Answers keep the objects of the last one where nothing changed, list items matched by id
      // (share-by-id.ts): the memoised rows of a list are drawn again only where an item changed.
      queries: { staleTime: 1_000, retry: isServer ? false : 1, refetchOnWindowFocus: true, structuralSharing: shareById },
    },
  });
}

let browserQueryClient: QueryClient | undefined;

/** One QueryClient per request on the server, one for the whole page in the browser. */
export function getQueryClient(): QueryClient {
  if (isServer) return makeQueryClient();
  browserQueryClient ??= makeQueryClient();
  return browserQueryClient;
}
