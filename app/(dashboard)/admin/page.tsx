import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { ApiKeysPanel } from "@/components/admin/api-keys-panel";
import { UsersPanel } from "@/components/admin/users-panel";
import { RequireRole } from "@/components/session/session-context";
import { Prefetched } from "@/components/ui/prefetched";
import { adminKeys } from "@/lib/query-keys";
import { roleAllows } from "@/lib/roles";
import { appsPrefetch } from "@/server/apps/manage-apps";
import { listUsers } from "@/server/auth/manage-users";
import { listApiKeys } from "@/server/consumer/api-keys";
import { currentUser } from "@/server/http/current-user";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("pages"))("admin") };
}

/**
 * Users and API keys, with both lists (and the apps a key may read) already in the HTML, as GET
 * /api/users, /api/keys and /api/apps answer them (Prefetched): drawn after a fetch, the users table
 * pushed the key form down under a pointer on its way to it.
 */
export default async function AdminPage() {
  const [t, user] = await Promise.all([getTranslations("admin"), currentUser()]);
  // Others see RequireRole's refusal: nothing is read for them.
  const queries =
    user && roleAllows(user.role, "admin")
      ? [
          { queryKey: adminKeys.users(), queryFn: async () => ({ users: await listUsers() }) },
          { queryKey: adminKeys.apiKeys(), queryFn: async () => ({ keys: await listApiKeys() }) },
          appsPrefetch(user.role),
        ]
      : [];
  return (
    <RequireRole role="admin" what="admin">
      <Prefetched queries={queries}>
        <div className="space-y-8">
          <div>
            <h1 className="text-2xl font-semibold tracking-tight">{t("title")}</h1>
            <p className="text-sm text-slate-600 dark:text-slate-400">{t("intro")}</p>
          </div>
          <UsersPanel />
          <ApiKeysPanel />
        </div>
      </Prefetched>
    </RequireRole>
  );
}
