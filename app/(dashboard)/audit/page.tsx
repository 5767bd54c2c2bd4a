import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { AuditLog } from "@/components/audit/audit-log";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("pages"))("audit") };
}

export default function AuditPage() {
  return <AuditLog />;
}
