import type { Metadata } from "next";
import { SignatureTools } from "@/components/signatures/signature-tools";

export const metadata: Metadata = { title: "Signatures · Ticket Hub" };

export default function SignaturesPage() {
  return <SignatureTools />;
}
