import * as z from "zod/mini";

/** One audit row as GET /api/audit shows it. */
export const auditEventSchema = z.object({
  id: z.string(),
  at: z.string(),
  actor: z.string(),
  action: z.string(),
  target: z.nullable(z.string()),
  outcome: z.string(),
  detail: z.nullable(z.string()),
});
export type AuditEvent = z.infer<typeof auditEventSchema>;

/** How many of the newest events the audit page shows. */
export const AUDIT_LIMIT = 200;

export const auditListSchema = z.object({ serverTime: z.string(), events: z.array(auditEventSchema) });
export type AuditList = z.infer<typeof auditListSchema>;
