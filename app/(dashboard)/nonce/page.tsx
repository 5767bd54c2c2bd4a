import type { Metadata } from "next";
import { RequireRole } from "@/components/session/session-context";
import { NonceDesk } from "@/components/nonce/nonce-desk";

export const metadata: Metadata = { title: "NONCE desk · Ticket Hub" };

export default function NoncePage() {
  return (
    <RequireRole role="operator" what="The NONCE desk">
      <NonceDesk />
    </RequireRole>
  );
}
