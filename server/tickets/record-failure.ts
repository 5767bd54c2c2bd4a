import "server-only";
import { now } from "../clock";
import type { Db } from "../db";
import type { FailureClass } from "../vendors/types";
import { APP_CHANGED_REASON, failurePolicy } from "./failure-policy";
import { pauseSiblings } from "./quota-pause";
import type { AuditNote } from "./refresh-types";
import { writeAudit } from "./store-version";

/**
 * Writes a failed refresh onto the credential: the error, the failure count, and when to try again
 * (failure-policy.ts), which it answers (undefined: the credential is gone). `appRevision`: the
 * app's revision when the refresh read it; when the app was saved since (its settings may be the
 * fix), the failure of a call made with the old ones keeps the credential due now, as the save made
 * it (manage-apps.ts), instead of the policy's retry (for a configuration error: never).
 */
export async function recordFailure(
  db: Db,
  credentialId: string,
  failure: FailureClass,
  message: string,
  retryAfterMs?: number,
  audit?: AuditNote,
  appRevision?: number,
): Promise<Date | null | undefined> {
  const slot = await db.credential.findUnique({
    where: { id: credentialId },
    include: appRevision === undefined ? undefined : { app: { select: { revision: true } } },
  });
  if (!slot) return undefined;
  const failures = slot.consecutiveFailures + 1;
  const at = now();
  const savedSince = appRevision !== undefined && "app" in slot && (slot.app as { revision: number }).revision !== appRevision;
  const decision = savedSince
    ? { status: "failing", nextRefreshAt: at, reason: APP_CHANGED_REASON }
    : failurePolicy({ failure, consecutiveFailures: failures, retryAfterMs, now: at, random: Math.random });
  if (failure === "quota-exhausted" && decision.nextRefreshAt) await pauseSiblings(db, slot, decision.nextRefreshAt, decision.reason);
  // The failure and the caller's audit row (if any) in one transaction.
  await db.$transaction(async (tx) => {
    await tx.credential.update({
      where: { id: credentialId },
      data: {
        status: decision.status,
        lastError: message,
        lastErrorClass: failure,
        lastErrorAt: new Date(at.getTime()),
        consecutiveFailures: failures,
        nextRefreshAt: decision.nextRefreshAt,
        nextRefreshReason: decision.reason,
      },
    });
    await writeAudit(tx, credentialId, audit, slot.generation, { failure, message });
  });
  return decision.nextRefreshAt;
}
