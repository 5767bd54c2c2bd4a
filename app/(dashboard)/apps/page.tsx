import type { Metadata } from "next";
import { RequireRole } from "@/components/session/session-context";
import { AppsPage } from "@/components/apps/apps-page";

export const metadata: Metadata = { title: "Apps · Ticket Hub" };

export default function Apps() {
  return (
    <RequireRole role="admin" what="Managing apps">
      <AppsPage />
    </RequireRole>
  );
}
