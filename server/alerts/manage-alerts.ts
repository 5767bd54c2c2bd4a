import "server-only";
import { now, nowMs } from "../clock";
import { getDb } from "../db";
import { AppError } from "../errors";
import { alertsChanged } from "../events";

/** Longest silence: a week. Past that the condition deserves another look. */
export const MAX_SILENCE_MINUTES = 7 * 24 * 60;

async function openAlert(id: string) {
  const alert = await getDb().alert.findUnique({ where: { id } });
  if (!alert) throw new AppError("not-found", "No such alert", `id: no alert ${id}`, { field: "id" });
  return alert;
}

/** Marks an alert as seen by someone who is on it; audited in the same transaction. */
export async function acknowledgeAlert({ id, actor }: { id: string; actor: string }) {
  const alert = await openAlert(id);
  if (alert.acknowledgedAt) return { id, acknowledgedAt: alert.acknowledgedAt.toISOString(), acknowledgedBy: alert.acknowledgedBy };
  const at = now();
  await getDb().$transaction(async (tx) => {
    await tx.alert.update({ where: { id }, data: { acknowledgedAt: at, acknowledgedBy: actor } });
    await tx.auditEvent.create({
      data: {
        at: now(),
        actor,
        action: "alert.acknowledge",
        target: alert.credentialId ?? alert.subject,
        outcome: "ok",
        detail: `${alert.kind}: ${alert.message}`.slice(0, 500),
      },
    });
  });
  alertsChanged();
  return { id, acknowledgedAt: at.toISOString(), acknowledgedBy: actor };
}

/**
 * Holds back this condition's notifications for `minutes` (0 ends a silence), also for an incident
 * that reopens meanwhile; the alert stays listed. Audited in the same transaction.
 */
export async function silenceAlert({ id, minutes, actor }: { id: string; minutes: number; actor: string }) {
  const alert = await openAlert(id);
  // On the server's clock (server/clock.ts): every instance then ends it at the same moment.
  const until = minutes > 0 ? new Date(nowMs() + minutes * 60_000) : null;
  await getDb().$transaction(async (tx) => {
    await tx.alert.update({ where: { id }, data: { silencedUntil: until, silencedBy: until ? actor : null } });
    await tx.auditEvent.create({
      data: {
        at: now(),
        actor,
        action: until ? "alert.silence" : "alert.unsilence",
        target: alert.credentialId ?? alert.subject,
        outcome: "ok",
        detail: `${alert.kind}${until ? ` silenced for ${minutes} min until ${until.toISOString()}` : " silence ended"}: ${alert.message}`.slice(0, 500),
      },
    });
  });
  alertsChanged();
  return { id, silencedUntil: until?.toISOString() ?? null };
}
