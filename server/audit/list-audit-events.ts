import "server-only";
import { getDb } from "../db";

export type AuditEventView = { id: string; at: string; actor: string; action: string; target: string | null; outcome: string; detail: string | null };

/** Manual actions, newest first; `target` narrows them to one app, credential, user or key. */
export async function listAuditEvents({ limit, target }: { limit: number; target?: string }): Promise<AuditEventView[]> {
  const events = await getDb().auditEvent.findMany({ where: target ? { target } : {}, orderBy: { at: "desc" }, take: limit });
  return events.map((e) => ({ id: e.id, at: e.at.toISOString(), actor: e.actor, action: e.action, target: e.target, outcome: e.outcome, detail: e.detail }));
}
