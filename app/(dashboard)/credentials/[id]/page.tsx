import { CredentialDetail } from "@/components/credential/credential-detail";

export default async function CredentialPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <CredentialDetail id={id} />;
}
