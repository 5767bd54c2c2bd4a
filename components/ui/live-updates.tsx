"use client";
import { type QueryClient, useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { adminKeys, alertKeys, appKeys, auditKeys, catalogKeys, credentialKeys, nonceKeys } from "@/lib/query-keys";
import { heardFromServer, watchFreshness } from "./freshness";

type Topic = "credentials" | "nonces" | "audit" | "alerts";

/** What each topic of the stream (server/live/changes.ts) invalidates; only queries on screen refetch. */
const AFFECTS: Record<Topic, readonly (readonly string[])[]> = {
  credentials: [credentialKeys.all, catalogKeys.all, appKeys.all, adminKeys.all],
  nonces: [nonceKeys.all],
  audit: [auditKeys.all],
  alerts: [alertKeys.all],
};

function invalidate(queryClient: QueryClient, topics: Topic[]) {
  for (const t of topics) for (const queryKey of AFFECTS[t]) void queryClient.invalidateQueries({ queryKey });
}

/**
 * The dashboard's one connection to the change stream (GET /api/events, Server-Sent Events):
 * a plain EventSource, which reconnects by itself after a network error; after an error answer
 * (a 5xx from a restarting server) it gives up, so we open a new one. Each `change` names the
 * topics' stamps: what moved since the last one is refetched. Each event, the 2 s `ping` included,
 * tells freshness.ts that the server answers.
 */
export function LiveUpdates() {
  const queryClient = useQueryClient();
  useEffect(() => {
    let source: EventSource | null = null;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let known: Record<Topic, string> | null = null;
    const stopWatching = watchFreshness();

    const open = () => {
      source = new EventSource("/api/events");
      source.addEventListener("ping", () => heardFromServer());
      source.addEventListener("change", (e) => {
        heardFromServer();
        const { topics } = JSON.parse((e as MessageEvent<string>).data) as { topics: Record<Topic, string> };
        // The first event after the page loaded may describe changes the page's first fetches missed.
        const moved = (Object.keys(topics) as Topic[]).filter((t) => !known || known[t] !== topics[t]);
        known = topics;
        invalidate(queryClient, moved);
      });
      source.addEventListener("signedout", () => {
        source?.close();
        window.location.assign(`/signin?next=${encodeURIComponent(window.location.pathname + window.location.search)}`);
      });
      source.onerror = () => {
        if (source?.readyState === EventSource.CLOSED) retry = setTimeout(open, 2_000);
      };
    };
    open();
    return () => {
      clearTimeout(retry);
      source?.close();
      stopWatching();
    };
  }, [queryClient]);
  return null;
}
