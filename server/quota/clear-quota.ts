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
  const resumed = await recordClear(
    () =>
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
    (detail) =>
      db.auditEvent.create({
        data: { at: now(), actor, action: "app.clear-quota", target: app.id, outcome: "failed: database", detail: `${app.name}: ${detail}` },
      }),
  );
  // Once more after the commit: a scheduled refresh that read the ledger before the clear may have
  // paused a credential while the transaction ran (on PostgreSQL it did not wait for it). The clear is
  // on record already: a failure here is logged, not answered (an error would invite a second reset).
  await resumeQuotaBlocked(db, { appRef: app.id }, CLEARED_REASON).catch((err: unknown) =>
    console.error(`[clear-quota] ${app.id}: the sweep after the commit failed: ${failureMessageOf(err)}`),
  );
  // Paused credentials are due now: the scheduler, the caches and the dashboard's list hear it at once.
  credentialsChanged();
  // The app's count starts again: its quota alerts are judged now, and resolve.
  quotaCleared();
  return { appRef: app.id, resumed };
}

/** How often, and after how long, recording a clear_quota WeChat has done is tried again (the write is idempotent). */
const RECORD_RETRIES_MS = [500, 1_500];

/**
 * Records a clear_quota WeChat has done: its transaction (the ledger's restart, the paused
 * credentials due, the audit row), tried again a few times when the database fails. Should it fail
 * throughout, the counters are reset at WeChat but not in Ticket Hub's ledger: the error (409, no
 * Retry-After) says so, so that nobody spends another of the month's resets on the same day's quota,
 * and an audit row outside the transaction keeps the reset on record if the database takes that one.
 */
async function recordClear<T>(write: () => Promise<T>, audit: (detail: string) => Promise<unknown>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await write();
    } catch (err) {
      if (failureOf(err) !== "database") throw err;
      const wait = RECORD_RETRIES_MS[attempt];
      if (wait !== undefined) {
        await new Promise((r) => setTimeout(r, wait));
        continue;
      }
      const message = failureMessageOf(err);
      await audit(`WeChat reset the counters; recording it failed: ${message}`).catch(() => {});
      throw new AppError(
        "conflict",
        "clear_quota done at WeChat, not recorded",
        `WeChat reset the app's counters, but the database did not take it (${message}): do not call clear_quota again; paused credentials wait for the vendors' reset at 00:00 UTC+8, or a Refresh by hand`,
        { extra: { failure: "database", clearedAtWechat: true } },
      );
    }
  }
}
