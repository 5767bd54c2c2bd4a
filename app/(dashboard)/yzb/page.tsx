import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { CatalogPrefetch } from "@/components/credential/catalog-prefetch";
import { RequireRole } from "@/components/session/session-context";
import { YzbTools } from "@/components/yzb/yzb-tools";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("yzb"))("pageTitle") };
}

export default function YzbPage() {
  return (
    <RequireRole role="operator" what="yzb">
      <CatalogPrefetch>
        <YzbTools />
      </CatalogPrefetch>
    </RequireRole>
  );
}
