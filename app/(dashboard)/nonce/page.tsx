import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { CatalogPrefetch } from "@/components/credential/catalog-prefetch";
import type { NonceListWithClock } from "@/components/nonce/api/get-nonces";
import { NonceDesk } from "@/components/nonce/nonce-desk";
import { RequireRole } from "@/components/session/session-context";
import { Prefetched } from "@/components/ui/prefetched";
import { NONCE_LIST_LIMIT } from "@/lib/nonce-view";
import { nonceKeys } from "@/lib/query-keys";
import { roleAllows } from "@/lib/roles";
import { now } from "@/server/clock";
import { currentUser } from "@/server/http/current-user";
import { nonceListAnswer } from "@/server/live/nonce-list";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("nonce"))("pageTitle") };
}

/**
 * The NONCE desk, with its app picker and its recent tickets (as GET /api/nonce answers them)
 * already in the HTML: drawn after a fetch, "Loading…" turned into the table and moved what was
 * under it.
 */
export default async function NoncePage() {
  const user = await currentUser();
  // Others see RequireRole's refusal: the list is not read (nor sent) for them.
  const recent = {
    queryKey: nonceKeys.list(),
    // The request GET /api/nonce makes: the same list, under the same ETag.
    queryFn: async (): Promise<NonceListWithClock> => {
      const { etag, answer } = await nonceListAnswer(NONCE_LIST_LIMIT);
      return { serverTime: now().toISOString(), nonces: answer, etag, clockOffsetMs: null };
    },
  };
  return (
    <RequireRole role="operator" what="nonce">
      <CatalogPrefetch>
        <Prefetched queries={user && roleAllows(user.role, "operator") ? [recent] : []}>
          <NonceDesk />
        </Prefetched>
      </CatalogPrefetch>
    </RequireRole>
  );
}
