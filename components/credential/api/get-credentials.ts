"use client";
import { queryOptions, useQuery } from "@tanstack/react-query";
import type { CredentialList } from "@/lib/credential-view";
import { credentialKeys } from "@/lib/query-keys";
import { type Clocked, clockedAcrossTabs, readHeldWithClock } from "@/components/ui/held-reads";
import { SAFETY_REFETCH_MS } from "@/components/ui/safety-refetch";
import { useSchemasWhenIdle } from "@/components/ui/schema-when-idle";

// The credential page's data: its app's credentials from GET /api/credentials?app= (the overview's
// answer, filtered), in the page's HTML (app/(dashboard)/credentials/[id]/page.tsx). It is refetched when the change stream (components/ui/live-updates.tsx) says
// credentials changed, and every 30 s as a safety net; each refetch names the list it holds
// (If-None-Match) and an unchanged one comes back as a bodiless 304 the server answers from memory.

// The schema is loaded after the page, when the browser is idle or with the first request: see SchemaSource.
const listSchema = () => import("@/lib/credential-view").then((m) => m.credentialListSchema);

/**
 * One app's credentials as the page holds them: with the ETag of the answer they came in (what a
 * 304 confirms) and the offset to the server's clock (null: rendered on the server, no request of
 * this page measured it yet: see useClockOffset).
 */
export type CredentialListWithClock = Clocked<CredentialList>;

const appUrl = (app: string) => `/api/credentials?app=${encodeURIComponent(app)}`;

function getAppCredentials(app: string, { signal }: { signal?: AbortSignal } = {}): Promise<CredentialListWithClock> {
  return readHeldWithClock(credentialKeys.app(app), appUrl(app), listSchema, { signal });
}

/**
 * One app's credentials (`app`: its id), read once for all of this browser's tabs (shared-reads.ts):
 * the credential the page shows and the token its tickets are fetched with, without the whole list
 * (thousands of credentials with many apps, fetched again at every change anywhere).
 */
export const appCredentialsQueryOptions = (app: string) =>
  queryOptions({
    queryKey: credentialKeys.app(app),
    queryFn: clockedAcrossTabs(({ signal }) => getAppCredentials(app, { signal })),
    refetchInterval: SAFETY_REFETCH_MS,
  });

/** One app's credentials (see appCredentialsQueryOptions). */
export function useAppCredentials(app: string) {
  useSchemasWhenIdle(listSchema);
  return useQuery(appCredentialsQueryOptions(app));
}

/** One credential, from its app's credentials. */
export function useCredential(id: string, app: string) {
  useSchemasWhenIdle(listSchema);
  return useQuery({
    ...appCredentialsQueryOptions(app),
    select: (data) => ({ credential: data.credentials.find((c) => c.id === id) ?? null }),
  });
}
