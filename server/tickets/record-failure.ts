import "server-only";
import { now } from "../clock";
import type { VendorApp } from "@/generated/sqlite/client";
import type { Db } from "../db";
import type { FailureClass } from "../vendors/types";
import { APP_CHANGED_REASON, failurePolicy } from "./failure-policy";
import { pauseSiblings } from "./quota-pause";
import type { AuditNote } from "./refresh-types";
import { writeAudit } from "./store-version";

/** The app settings a vendor call is made with (manage-apps.ts: a save of any of them makes the app's credentials due). */
export const APP_SETTINGS = { secretEnc: true, appId: true, baseUrl: true, tokenVariant: true, tokenPath: true } as const;
export type AppSettings = Pick<VendorApp, keyof typeof APP_SETTINGS>;

/**
 * Writes a failed refresh onto the credential: the error, the failure count, and when to try again
 * (failure-policy.ts), which it answers (undefined: the credential is gone). `calledWith`: the app's
 * settings the failed call was made with; when an admin has saved others since (a secret, an app
 * id, a base URL or token endpoint: what manage-apps.ts makes every credential due for, and may be
 * the fix), the failure keeps the credential due now, as the save made it, instead of the policy's
 * retry (for a configuration error: never).
 */
export async function recordFailure(
  db: Db,
  credentialId: string,
  failure: FailureClass,
  message: string,
  retryAfterMs?: number,
  audit?: AuditNote,
  calledWith?: AppSettings,
): Promise<Date | null | undefined> {
  const slot = await db.credential.findUnique({ where: { id: credentialId }, include: { app: { select: APP_SETTINGS } } });
  if (!slot) return undefined;
  const failures = slot.consecutiveFailures + 1;
  const at = now();
  const savedSince = calledWith !== undefined && (Object.keys(APP_SETTINGS) as (keyof AppSettings)[]).some((k) => slot.app[k] !== calledWith[k]);
  const decision = savedSince
    ? { status: "failing", nextRefreshAt: at, reason: APP_CHANGED_REASON }
    : failurePolicy({ failure, consecutiveFailures: failures, retryAfterMs, now: at, random: Math.random });
  if (failure === "quota-exhausted" && !savedSince && decision.nextRefreshAt) await pauseSiblings(db, slot, decision.nextRefreshAt, decision.reason);
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
