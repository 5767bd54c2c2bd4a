import "server-only";
import { type AuditEventView, listAuditEvents } from "../audit/list-audit-events";
import type { Topics } from "./changes";
import { memoAnswer } from "./topic-memo";

export type AuditQuery = { limit: number; target?: string };

/** The audit log's memo for one query: it changes with the audit stamp (its newest row) alone. */
export const auditListMemo = (query: AuditQuery) => ({ key: JSON.stringify(["audit", query.limit, query.target ?? ""]), topics: ["audit"] as const });

/**
 * GET /api/audit's events for `query` with their ETag, the same for every user: read once per
 * instance while no row is added (topic-memo.ts). Rows are only ever added, never changed.
 */
export function auditListAnswer(query: AuditQuery, heard: Partial<Topics> | null = null): Promise<{ etag: string; answer: AuditEventView[] }> {
  return memoAnswer({
    ...auditListMemo(query),
    heard,
    render: async () => ({ answer: await listAuditEvents(query), validUntilMs: Number.POSITIVE_INFINITY }),
  });
}
