import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { CredentialDetail } from "@/components/credential/credential-detail";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("credential"))("pageTitle") };
}

export default async function CredentialPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <CredentialDetail id={id} />;
}
