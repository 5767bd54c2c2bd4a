import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import type { AuditListWithEtag } from "@/components/audit/api/get-audit";
import { AuditLog } from "@/components/audit/audit-log";
import { Prefetched } from "@/components/ui/prefetched";
import { AUDIT_LIMIT } from "@/lib/audit-view";
import { auditKeys } from "@/lib/query-keys";
import { now } from "@/server/clock";
import { currentUser } from "@/server/http/current-user";
import { auditListAnswer } from "@/server/live/audit-list";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("pages"))("audit") };
}

/**
 * The audit log with its events (as GET /api/audit answers them, under the same ETag) already in
 * the HTML: fetched after the page, the table said "Loading…" first and
 * the rows pushed in after it.
 */
export default async function AuditPage() {
  // The layout sends visitors without a session to sign in; nothing is read for them.
  const user = await currentUser();
  const log = {
    queryKey: auditKeys.list(),
    queryFn: async (): Promise<AuditListWithEtag> => {
      const { etag, answer } = await auditListAnswer({ limit: AUDIT_LIMIT });
      return { serverTime: now().toISOString(), events: answer, etag };
    },
  };
  return (
    <Prefetched queries={user ? [log] : []}>
      <AuditLog />
    </Prefetched>
  );
}
