import type { Metadata } from "next";
import { RequireRole } from "@/components/session/session-context";
import { YzbTools } from "@/components/yzb/yzb-tools";

export const metadata: Metadata = { title: "yzb tools · Ticket Hub" };

export default function YzbPage() {
  return (
    <RequireRole role="operator" what="The yzb tools">
      <YzbTools />
    </RequireRole>
  );
}
