import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { CatalogPrefetch } from "@/components/credential/catalog-prefetch";
import { RequireRole } from "@/components/session/session-context";
import { SignatureTools } from "@/components/signatures/signature-tools";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("signatures"))("pageTitle") };
}

export default function SignaturesPage() {
  return (
    <RequireRole role="operator" what="signatures">
      <CatalogPrefetch>
        <SignatureTools />
      </CatalogPrefetch>
    </RequireRole>
  );
}
