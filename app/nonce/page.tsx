import type { Metadata } from "next";
import { NonceDesk } from "@/components/nonce/nonce-desk";

export const metadata: Metadata = { title: "NONCE desk · Ticket Hub" };

export default function NoncePage() {
  return <NonceDesk />;
}
