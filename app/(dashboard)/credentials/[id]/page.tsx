import { dehydrate, HydrationBoundary } from "@tanstack/react-query";
import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { CredentialDetail } from "@/components/credential/credential-detail";
import { HISTORY_LIMIT } from "@/lib/credential-view";
import { getQueryClient } from "@/lib/query-client";
import { credentialKeys } from "@/lib/query-keys";
import { currentUser } from "@/server/http/current-user";
import { credentialHistory } from "@/server/tickets/history";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("credential"))("pageTitle") };
}

/**
 * One credential. Its history (versions, the chart, upstream calls) is read on the server with the
 * same function and answer as GET /api/credentials/:id/history and handed to the browser's query
 * cache (TanStack's HydrationBoundary): fetched after the page, it arrived after the credential and
 * grew its sections under the ones below (a layout shift of ~0.07). A credential that does not
 * exist, or a read that fails, is left to the page, which asks and says so.
 */
export default async function CredentialPage({ params }: { params: Promise<{ id: string }> }) {
  const [{ id }, user] = await Promise.all([params, currentUser()]);
  const queryClient = getQueryClient();
  if (user) {
    await queryClient.prefetchQuery({
      queryKey: credentialKeys.history(id),
      queryFn: () => credentialHistory({ input: { credentialId: id, limit: HISTORY_LIMIT } }),
    });
  }
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <CredentialDetail id={id} />
    </HydrationBoundary>
  );
}
