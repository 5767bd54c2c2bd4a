import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { CatalogPrefetch } from "@/components/credential/catalog-prefetch";
import { RequireRole } from "@/components/session/session-context";
import { NonceDesk } from "@/components/nonce/nonce-desk";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("nonce"))("pageTitle") };
}

export default function NoncePage() {
  return (
    <RequireRole role="operator" what="nonce">
      <CatalogPrefetch>
        <NonceDesk />
      </CatalogPrefetch>
    </RequireRole>
  );
}
