import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import type { CredentialHistoryWithEtag } from "@/components/credential/api/get-credential-history";
import type { CredentialListWithClock } from "@/components/credential/api/get-credentials";
import { CredentialDetail } from "@/components/credential/credential-detail";
import { Prefetched } from "@/components/ui/prefetched";
import { HISTORY_LIMIT } from "@/lib/credential-view";
import { credentialKeys } from "@/lib/query-keys";
import { isDatabaseUnreachable } from "@/server/errors";
import { currentUser } from "@/server/http/current-user";
import { alertsPrefetch } from "@/server/live/alert-list";
import { appOfCredential, overviewAnswer, overviewQuerySchema } from "@/server/live/overview-list";
import { credentialHistory, historyEtag } from "@/server/tickets/history";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("credential"))("pageTitle") };
}

/**
 * One credential, drawn with its data in the first HTML (Prefetched): its app's credentials (the
 * credential and the token its tickets are fetched with, as GET /api/credentials?app= answers them;
 * the app found here, from the list in memory), its history (versions, chart, upstream calls, as
 * GET /api/credentials/:id/history answers it) and the alerts (GET /api/alerts). Fetched after the
 * page, the sections grew under each other as they arrived. A credential that does not exist is said so at once, and nothing is read for
 * it; a read that fails here is left to the page, which asks again.
 */
export default async function CredentialPage({ params }: { params: Promise<{ id: string }> }) {
  const [{ id }, user] = await Promise.all([params, currentUser()]);
  // The layout sends visitors without a session to sign in; nothing is read for them.
  if (!user) return null;
  const app = await appOfCredential(id).catch((err: unknown) => {
    // The database unreachable (and the list not in memory): the page says so instead of failing.
    if (isDatabaseUnreachable(err)) return undefined;
    throw err;
  });
  if (typeof app !== "string") return <CredentialDetail id={id} app={app} />;
  const queries = [
    {
      queryKey: credentialKeys.app(app),
      queryFn: async (): Promise<CredentialListWithClock> => {
        // The request GET /api/credentials?app= makes: the same answer, under the same ETag.
        const { etag, answer } = await overviewAnswer(overviewQuerySchema.parse({ app }));
        return { serverTime: answer.serverTime, credentials: answer.credentials, etag, clockOffsetMs: null };
      },
    },
    {
      queryKey: credentialKeys.history(id),
      queryFn: async (): Promise<CredentialHistoryWithEtag> => {
        const history = await credentialHistory({ input: { credentialId: id, limit: HISTORY_LIMIT } });
        return { ...history, etag: historyEtag(history) };
      },
    },
    alertsPrefetch,
  ];
  return (
    <Prefetched queries={queries}>
      <CredentialDetail id={id} app={app} />
    </Prefetched>
  );
}
