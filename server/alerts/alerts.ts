import "server-only";
import { parsePolicyOverrides } from "../tickets/policy";
import { now } from "../clock";
import { getConfig } from "../config";
import { getDb } from "../db";
import { countAlertSent } from "../metrics/registry";
import { listCredentials } from "../tickets/list-credentials";
import { postWebhook } from "./post-webhook";

export type AlertKind = "refresh-failing" | "expiring" | "quota";
type Condition = { key: string; kind: AlertKind; subject: string; appRef: string; credentialId: string | null; message: string };

/** What is wrong right now, from the same view the dashboard shows. */
export async function currentConditions(): Promise<Condition[]> {
  const { failures, expiryMarginSeconds, quotaPercent } = getConfig().alerts;
  const at = now().getTime();
  const out: Condition[] = [];
  const quotaSeen = new Set<string>();
  for (const c of await listCredentials()) {
    const label = `${c.appName} ${c.kindLabel}`;
    if (c.consecutiveFailures >= failures) {
      out.push({
        key: `refresh-failing:${c.id}`,
        kind: "refresh-failing",
        subject: c.id,
        appRef: c.appRef,
        credentialId: c.id,
        message: `${label}: ${c.consecutiveFailures} failed refresh${c.consecutiveFailures === 1 ? "" : "es"} in a row; last error: ${c.lastError?.message ?? "unknown"}`,
      });
    }
    if (c.current) {
      const left = Math.floor((Date.parse(c.current.expiresAt) - at) / 1000);
      if (left < expiryMarginSeconds) {
        out.push({
          key: `expiring:${c.id}`,
          kind: "expiring",
          subject: c.id,
          appRef: c.appRef,
          credentialId: c.id,
          message: left > 0 ? `${label} expires in ${left} s and has not been renewed` : `${label} has expired and has not been renewed`,
        });
      }
    }
    const q = c.quota;
    if (q?.limit && !quotaSeen.has(`${c.appRef}|${q.endpoint}`) && (q.used / q.limit) * 100 >= quotaPercent) {
      quotaSeen.add(`${c.appRef}|${q.endpoint}`);
      out.push({
        key: `quota:${c.appRef}|${q.endpoint}`,
        kind: "quota",
        subject: `${c.appRef}|${q.endpoint}`,
        appRef: c.appRef,
        credentialId: null,
        message: `${c.appName} ${q.endpoint}: ${q.used} of ${q.limit} calls used today (${Math.round((q.used / q.limit) * 100)} %)`,
      });
    }
  }
  return out;
}

type Delivery = {
  status: "firing" | "resolved";
  alert: { id: string; kind: string; message: string; openedAt: Date; resolvedAt: Date | null; appRef: string | null; credentialId: string | null };
};

async function webhookTargets(appRef: string | null): Promise<string[]> {
  const urls: string[] = [];
  const global = getConfig().alerts.webhookUrl;
  if (global) urls.push(global);
  if (appRef) {
    const app = await getDb().vendorApp.findUnique({ where: { id: appRef }, select: { policy: true } });
    const own = app ? parsePolicyOverrides(app.policy).alertWebhookUrl : undefined;
    if (own && !urls.includes(own)) urls.push(own);
  }
  return urls;
}

/** Posts the alert to every target, up to three tries each (0, 1 s, 3 s): whether any got it, and the last error. */
async function deliver(d: Delivery): Promise<{ sent: boolean; error: string | null }> {
  const targets = await webhookTargets(d.alert.appRef);
  if (targets.length === 0) return { sent: false, error: null };
  let sent = false;
  const body = JSON.stringify({
    source: "tickethub",
    status: d.status,
    kind: d.alert.kind,
    message: d.alert.message,
    alertId: d.alert.id,
    appRef: d.alert.appRef,
    credentialId: d.alert.credentialId,
    openedAt: d.alert.openedAt.toISOString(),
    resolvedAt: d.alert.resolvedAt?.toISOString() ?? null,
    instance: getConfig().instanceId,
  });
  let lastError: string | null = null;
  const { allowedWebhookHosts } = getConfig().alerts;
  for (const url of targets) {
    let ok = false;
    for (const wait of [0, 1_000, 3_000]) {
      if (wait) await new Promise((r) => setTimeout(r, wait));
      // Every role sees the error: a class of failure only, never the URL, a body or a socket error.
      const res = await postWebhook(url, body, { allowedHosts: allowedWebhookHosts, timeoutMs: 5_000 });
      if (res.ok) {
        ok = true;
        break;
      }
      lastError = res.error;
      if (!res.retry) break;
    }
    countAlertSent({ kind: d.alert.kind, status: d.status, outcome: ok ? "delivered" : "failed" });
    if (ok) sent = true;
  }
  return { sent, error: lastError };
}

function isUniqueViolation(err: unknown): boolean {
  return typeof err === "object" && err !== null && (err as { code?: string }).code === "P2002";
}

/**
 * Opens an incident for each new condition and resolves those that ended, sending one webhook for
 * each. Safe in every instance at once: the open incident's key is unique, and only the instance
 * whose insert or resolve took effect sends.
 */
export async function evaluateAlerts(): Promise<{ opened: number; resolved: number }> {
  const db = getDb();
  const conditions = await currentConditions();
  const open = await db.alert.findMany({ where: { openKey: { not: null } } });
  const openKeys = new Set(open.map((a) => a.openKey));
  let opened = 0;
  let resolved = 0;
  for (const c of conditions) {
    if (openKeys.has(c.key)) continue;
    let alert;
    try {
      alert = await db.alert.create({
        data: { openKey: c.key, kind: c.kind, subject: c.subject, appRef: c.appRef, credentialId: c.credentialId, message: c.message },
      });
    } catch (err) {
      if (isUniqueViolation(err)) continue; // another instance opened it
      throw err;
    }
    opened++;
    const d = await deliver({ status: "firing", alert });
    await db.alert.update({ where: { id: alert.id }, data: { firingSentAt: d.sent ? new Date() : null, lastDeliveryError: d.error } });
  }
  const active = new Set(conditions.map((c) => c.key));
  for (const a of open) {
    if (active.has(a.openKey!)) continue;
    const resolvedAt = new Date();
    const done = await db.alert.updateMany({ where: { id: a.id, openKey: a.openKey }, data: { openKey: null, resolvedAt } });
    if (done.count !== 1) continue; // another instance resolved it
    resolved++;
    const d = await deliver({ status: "resolved", alert: { ...a, resolvedAt } });
    await db.alert.update({ where: { id: a.id }, data: { resolvedSentAt: d.sent ? new Date() : null, lastDeliveryError: d.error } });
  }
  return { opened, resolved };
}

let timer: NodeJS.Timeout | null = null;
let running = false;

export function startAlerts(): void {
  if (timer) return;
  timer = setInterval(async () => {
    if (running) return;
    running = true;
    try {
      await evaluateAlerts();
    } catch (err) {
      console.error(`[alerts] ${(err as Error).message.split("\n")[0]}`);
    } finally {
      running = false;
    }
  }, getConfig().alerts.intervalMs);
  timer.unref();
}

export async function listAlerts(limit = 50) {
  const db = getDb();
  const [open, recent, apps] = await Promise.all([
    db.alert.findMany({ where: { openKey: { not: null } }, orderBy: { openedAt: "desc" } }),
    db.alert.findMany({ where: { openKey: null }, orderBy: { openedAt: "desc" }, take: limit }),
    db.vendorApp.findMany({ select: { id: true, name: true } }),
  ]);
  const appName = new Map(apps.map((a) => [a.id, a.name]));
  const view = (a: (typeof open)[number]) => ({
    id: a.id,
    kind: a.kind,
    message: a.message,
    appName: a.appRef ? (appName.get(a.appRef) ?? null) : null,
    credentialId: a.credentialId,
    openedAt: a.openedAt.toISOString(),
    resolvedAt: a.resolvedAt?.toISOString() ?? null,
    notified: a.resolvedAt ? !!a.resolvedSentAt : !!a.firingSentAt,
    deliveryError: a.lastDeliveryError,
  });
  return { open: open.map(view), recent: recent.map(view) };
}
