import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { RequireRole } from "@/components/session/session-context";
import { AppsPage } from "@/components/apps/apps-page";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("pages"))("apps") };
}

export default function Apps() {
  return (
    <RequireRole role="admin" what="apps">
      <AppsPage />
    </RequireRole>
  );
}
