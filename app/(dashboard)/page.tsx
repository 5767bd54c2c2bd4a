import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { Overview } from "@/components/overview/overview";
import { Prefetched } from "@/components/ui/prefetched";
import { overviewQueryOf, overviewSearch } from "@/lib/overview-query";
import type { OverviewData } from "@/lib/overview-view";
import { credentialKeys } from "@/lib/query-keys";
import { currentUser } from "@/server/http/current-user";
import { alertsPrefetch } from "@/server/live/alert-list";
import { overviewAnswer, overviewRequestOf } from "@/server/live/overview-list";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("overview"))("pageTitle") };
}

type SearchParams = Record<string, string | string[] | undefined>;

/**
 * The overview with its first page already in the HTML: the page the URL asks for, as GET
 * /api/credentials answers it (Prefetched), so countdowns show without waiting for a fetch; and the
 * alerts banner's list, as GET /api/alerts answers it.
 */
export default async function OverviewPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const [user, params] = await Promise.all([currentUser(), searchParams]);
  const query = overviewQueryOf((name) => [params[name]].flat()[0]);
  const firstPage = {
    queryKey: credentialKeys.overview(overviewSearch(query)),
    queryFn: async (): Promise<OverviewData> => {
      const { etag, answer } = await overviewAnswer(overviewRequestOf(query));
      return { ...answer, etag, clockOffsetMs: null };
    },
  };
  // The layout sends visitors without a session to sign in; nothing is read for them.
  return (
    <Prefetched queries={user ? [firstPage, alertsPrefetch] : []}>
      <Overview />
    </Prefetched>
  );
}
