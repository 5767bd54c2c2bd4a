import type { Metadata } from "next";
import { RequireRole } from "@/components/session/session-context";
import { SignatureTools } from "@/components/signatures/signature-tools";

export const metadata: Metadata = { title: "Signatures · Ticket Hub" };

export default function SignaturesPage() {
  return (
    <RequireRole role="operator" what="The signature tools">
      <SignatureTools />
    </RequireRole>
  );
}
