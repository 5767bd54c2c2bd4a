import { dehydrate, HydrationBoundary } from "@tanstack/react-query";
import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { CredentialDetail } from "@/components/credential/credential-detail";
import { HISTORY_LIMIT } from "@/lib/credential-view";
import { getQueryClient } from "@/lib/query-client";
import { credentialKeys } from "@/lib/query-keys";
import { isDatabaseUnreachable } from "@/server/errors";
import { currentUser } from "@/server/http/current-user";
import { appOfCredential } from "@/server/live/overview-list";
import { credentialHistory } from "@/server/tickets/history";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("credential"))("pageTitle") };
}

/**
 * One credential: its app's credentials are what the browser reads (the app found here, from the
 * list in memory). Its history (versions, the chart, upstream calls) is read on the server with the
 * same function and answer as GET /api/credentials/:id/history and handed to the browser's query
 * cache (TanStack's HydrationBoundary): fetched after the page, it arrived after the credential and
 * grew its sections under the ones below (a layout shift of ~0.07). A credential that does not
 * exist is said so at once; a history read that fails is left to the page, which asks again.
 */
export default async function CredentialPage({ params }: { params: Promise<{ id: string }> }) {
  const [{ id }, user] = await Promise.all([params, currentUser()]);
  // The layout sends visitors without a session to sign in; nothing is read for them.
  if (!user) return null;
  const queryClient = getQueryClient();
  // Its app, from the list in memory (the page then reads that app's credentials, not every one), and its history.
  const [app] = await Promise.all([
    // The database unreachable (and the list not in memory): the page says so instead of failing.
    appOfCredential(id).catch((err: unknown) => {
      if (isDatabaseUnreachable(err)) return undefined;
      throw err;
    }),
    queryClient.prefetchQuery({
      queryKey: credentialKeys.history(id),
      queryFn: () => credentialHistory({ input: { credentialId: id, limit: HISTORY_LIMIT } }),
    }),
  ]);
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <CredentialDetail id={id} app={app} />
    </HydrationBoundary>
  );
}
