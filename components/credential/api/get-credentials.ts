"use client";
import { queryOptions, useQuery } from "@tanstack/react-query";
import type { CredentialList } from "@/lib/credential-view";
import { credentialKeys } from "@/lib/query-keys";
import { serverClock } from "@/lib/server-clock";
import { fetchJsonIfChanged } from "@/components/ui/fetch-json";
import { acrossTabs } from "@/components/ui/shared-reads";
import { SAFETY_REFETCH_MS } from "@/components/ui/safety-refetch";

// The credential page's data: its app's credentials from GET /api/credentials?app= (the overview's
// answer, filtered). It is refetched when the change stream (components/ui/live-updates.tsx) says
// credentials changed, and every 30 s as a safety net; each refetch names the list it holds
// (If-None-Match) and an unchanged one comes back as a bodiless 304 the server answers from memory.

// The schema is loaded with the first request, not with the page: see SchemaSource.
const listSchema = () => import("@/lib/credential-view").then((m) => m.credentialListSchema);

export type CredentialListWithClock = CredentialList & { clockOffsetMs: number };

/** The lists this tab holds (one per app) by URL, with their ETags: what a 304 confirms. */
const held = new Map<string, { etag: string; data: CredentialList }>();

function listAt(url: string) {
  return async ({ signal }: { signal?: AbortSignal } = {}): Promise<CredentialListWithClock> => {
    const sentAt = Date.now();
    const mine = held.get(url) ?? null;
    const answer = await fetchJsonIfChanged(url, listSchema, mine?.etag ?? null, { signal });
    let data: CredentialList;
    if (answer.changed) {
      data = answer.data;
      if (answer.etag) held.set(url, { etag: answer.etag, data });
      else held.delete(url);
    } else {
      data = mine!.data;
    }
    const serverTime = answer.serverTime ?? data.serverTime;
    return { ...data, serverTime, clockOffsetMs: serverClock.observe(serverTime, sentAt, Date.now()) };
  };
}

/**
 * One app's credentials (`app`: its id), read once for all of this browser's tabs (shared-reads.ts):
 * the credential the page shows and the token its tickets are fetched with, without the whole list
 * (thousands of credentials with many apps, fetched again at every change anywhere).
 */
export const appCredentialsQueryOptions = (app: string) =>
  queryOptions({
    queryKey: credentialKeys.app(app),
    queryFn: acrossTabs(listAt(`/api/credentials?app=${encodeURIComponent(app)}`)),
    refetchInterval: SAFETY_REFETCH_MS,
  });

/** One app's credentials (see appCredentialsQueryOptions). */
export function useAppCredentials(app: string) {
  return useQuery(appCredentialsQueryOptions(app));
}

/** One credential, from its app's credentials. */
export function useCredential(id: string, app: string) {
  return useQuery({
    ...appCredentialsQueryOptions(app),
    select: (data) => ({ credential: data.credentials.find((c) => c.id === id) ?? null, clockOffsetMs: data.clockOffsetMs }),
  });
}
