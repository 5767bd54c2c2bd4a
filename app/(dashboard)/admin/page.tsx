import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { ApiKeysPanel } from "@/components/admin/api-keys-panel";
import { UsersPanel } from "@/components/admin/users-panel";
import { RequireRole } from "@/components/session/session-context";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("pages"))("admin") };
}

export default async function AdminPage() {
  const t = await getTranslations("admin");
  return (
    <RequireRole role="admin" what="admin">
      <div className="space-y-8">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">{t("title")}</h1>
          <p className="text-sm text-slate-600 dark:text-slate-400">{t("intro")}</p>
        </div>
        <UsersPanel />
        <ApiKeysPanel />
      </div>
    </RequireRole>
  );
}
