import "server-only";
import { credentialsChanged, quotaCleared } from "../events";
import { vendorContext } from "../apps/vendor-context";
import { now } from "../clock";
import { getDb } from "../db";
import { AppError } from "../errors";
import { QUOTA_PAUSE_REASON } from "../tickets/failure-policy";
import { clearWechatQuota } from "../vendors/wechat";
import { QUOTA_BLOCK_REASON_PREFIX, resumeQuotaBlocked } from "./quota";
import { failureMessageOf, failureOf } from "../vendors/types";

const CLEARED_REASON = "quota cleared with clear_quota: due now";

/**
 * The 45009 runbook's action (admin): asks WeChat to reset the app's daily counters, then restarts
 * the app's quota ledger for today and makes every credential of the app that waits for the daily
 * reset due now. The vendor call is recorded like any other; the ledger's reset, the rescheduling
 * and the audit row are one transaction. A refusal is audited too.
 */
export async function clearQuota({ appRef, actor }: { appRef: string; actor: string }) {
  const db = getDb();
  const app = await db.vendorApp.findUnique({ where: { id: appRef } });
  if (!app) throw new AppError("not-found", "No such app", `id: no app ${appRef}`, { field: "id" });
  if (app.vendor !== "wechat") {
    throw new AppError("unprocessable", "Not offered for this vendor", `id: clear_quota is WeChat's; ${app.name} is a ${app.vendor} app`, { field: "id" });
  }
  // WeChat's counters restart somewhere during this call: from its start on, the ledger counts again
  // (a call in flight meanwhile is counted: the ledger may say a little more than WeChat, never less).
  const sentAt = now();
  try {
    await clearWechatQuota(vendorContext(db, app, null));
  } catch (err) {
    const failure = failureOf(err);
    const message = failureMessageOf(err);
    await db.auditEvent.create({
      data: { at: now(), actor, action: "app.clear-quota", target: app.id, outcome: `failed: ${failure}`, detail: `${app.name}: ${message}` },
    });
    // The database, not WeChat: the call may have gone through, and clear_quota is itself limited.
    if (failure === "database")
      throw new AppError(
        "unavailable",
        "Database error during clear_quota",
        `${message}; WeChat may have reset the counters: check today's quota before calling it again`,
        {
          extra: { failure },
          retryAfterSeconds: 5,
        },
      );
    throw new AppError("upstream", "WeChat refused clear_quota", message, { extra: { failure } });
  }
  const at = now();
  const resumed = await recordClear(() =>
    db.$transaction(async (tx) => {
      // Today's quota ledger starts again (quota.ts): the overview's counts and time to impact say a refresh can succeed now.
      await tx.vendorApp.update({ where: { id: app.id }, data: { quotaClearedAt: sentAt } });
      const done = await tx.credential.updateMany({
        where: {
          appRef: app.id,
          OR: [
            // Paused by a quota error, or by the ledger's limit (quotaBlock), or failing with the vendor's quota error.
            { nextRefreshReason: QUOTA_PAUSE_REASON },
            { nextRefreshReason: { startsWith: QUOTA_BLOCK_REASON_PREFIX } },
            { status: "failing", lastErrorClass: "quota-exhausted" },
          ],
        },
        data: { nextRefreshAt: at, nextRefreshReason: CLEARED_REASON },
      });
      await tx.auditEvent.create({
        data: {
          at: now(),
          actor,
          action: "app.clear-quota",
          target: app.id,
          outcome: "ok",
          detail: `${app.name} (${app.appId}): WeChat clear_quota reset the daily counters; ${done.count} paused credential${done.count === 1 ? "" : "s"} due now`,
        },
      });
      return done.count;
    }),
  );
  // Once more after the commit: a scheduled refresh that read the ledger before the clear may have
  // paused a credential while the transaction ran (on PostgreSQL it did not wait for it).
  await resumeQuotaBlocked(db, { appRef: app.id }, CLEARED_REASON);
  // Paused credentials are due now: the scheduler, the caches and the dashboard's list hear it at once.
  credentialsChanged();
  // The app's count starts again: its quota alerts are judged now, and resolve.
  quotaCleared();
  return { appRef: app.id, resumed };
}

/**
 * Records a clear_quota WeChat has done. Should the database fail here, the counters are reset at
 * WeChat but not in Ticket Hub's ledger: the error says so, so that nobody spends another of the
 * month's resets on the same day's quota.
 */
async function recordClear<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (failureOf(err) !== "database") throw err;
    throw new AppError(
      "unavailable",
      "clear_quota done at WeChat, not recorded",
      `WeChat reset the app's counters, but the database did not take it (${failureMessageOf(err)}): do not call clear_quota again; paused credentials wait for the vendors' reset at 00:00 UTC+8, or a Refresh by hand`,
      { extra: { failure: "database" }, retryAfterSeconds: 5 },
    );
  }
}
