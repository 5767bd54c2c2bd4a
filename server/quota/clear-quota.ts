import "server-only";
import { credentialsChanged } from "../events";
import { vendorContext } from "../apps/vendor-context";
import { now } from "../clock";
import { getDb } from "../db";
import { AppError } from "../errors";
import { QUOTA_PAUSE_REASON } from "../tickets/failure-policy";
import { clearWechatQuota } from "../vendors/wechat";
import { VendorError } from "../vendors/types";

/**
 * The 45009 runbook's action (admin): asks WeChat to reset the app's daily counters, then makes every
 * credential of the app that waits for the daily reset due now. The vendor call is recorded like any
 * other; the audit row and the rescheduling are one transaction. A refusal is audited too.
 */
export async function clearQuota({ appRef, actor }: { appRef: string; actor: string }) {
  const db = getDb();
  const app = await db.vendorApp.findUnique({ where: { id: appRef } });
  if (!app) throw new AppError("not-found", "No such app", `id: no app ${appRef}`, { field: "id" });
  if (app.vendor !== "wechat") {
    throw new AppError("unprocessable", "Not offered for this vendor", `id: clear_quota is WeChat's; ${app.name} is a ${app.vendor} app`, { field: "id" });
  }
  try {
    await clearWechatQuota(vendorContext(db, app, null));
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    await db.auditEvent.create({
      data: {
        actor,
        action: "app.clear-quota",
        target: app.id,
        outcome: `failed: ${err instanceof VendorError ? err.failure : "network"}`,
        detail: `${app.name}: ${message}`,
      },
    });
    throw new AppError("upstream", "WeChat refused clear_quota", message, {
      extra: { failure: err instanceof VendorError ? err.failure : "network" },
    });
  }
  const at = now();
  const resumed = await db.$transaction(async (tx) => {
    const done = await tx.credential.updateMany({
      where: { appRef: app.id, OR: [{ nextRefreshReason: QUOTA_PAUSE_REASON }, { status: "failing", lastErrorClass: "quota-exhausted" }] },
      data: { nextRefreshAt: at, nextRefreshReason: "quota cleared with clear_quota: due now" },
    });
    await tx.auditEvent.create({
      data: {
        actor,
        action: "app.clear-quota",
        target: app.id,
        outcome: "ok",
        detail: `${app.name} (${app.appId}): WeChat clear_quota reset the daily counters; ${done.count} paused credential${done.count === 1 ? "" : "s"} due now`,
      },
    });
    return done.count;
  });
  // Paused credentials are due now: the scheduler, the caches and the dashboard's list hear it at once.
  credentialsChanged();
  return { appRef: app.id, resumed };
}
