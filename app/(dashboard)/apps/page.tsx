import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { AppsPage } from "@/components/apps/apps-page";
import { RequireRole } from "@/components/session/session-context";
import { Prefetched } from "@/components/ui/prefetched";
import { roleAllows } from "@/lib/roles";
import { appsPrefetch } from "@/server/apps/manage-apps";
import { currentUser } from "@/server/http/current-user";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("pages"))("apps") };
}

/**
 * The vendor apps, with their list already in the HTML as GET /api/apps answers it (Prefetched):
 * fetched after the page, the table said "Loading…" first and the rows pushed in after it.
 */
export default async function Apps() {
  const user = await currentUser();
  // Others see RequireRole's refusal: nothing is read for them.
  const apps = user && roleAllows(user.role, "admin") ? [appsPrefetch(user.role)] : [];
  return (
    <RequireRole role="admin" what="apps">
      <Prefetched queries={apps}>
        <AppsPage />
      </Prefetched>
    </RequireRole>
  );
}
