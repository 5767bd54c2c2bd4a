import "server-only";
import type { VendorApp } from "@/generated/sqlite/client";
import { errorLine } from "../errors";
import { parsePolicyOverrides } from "../tickets/policy";
import { now } from "../clock";
import { getConfig } from "../config";
import { getDb } from "../db";
import { alertsChanged, onQuotaCleared, onRefreshFailed } from "../events";
import { countAlertSent } from "../metrics/registry";
import { credentialViews } from "../tickets/list-credentials";
import { quotaAlertLimitSource, quotaReached } from "../quota/quota";
import { alertCandidates } from "./candidates";
import type { CredentialView } from "@/lib/credential-view";
import { type AlertChannel, appChannel, channelRequest } from "./channels";
import { postWebhook } from "./post-webhook";
import { runbookFor } from "./runbook";
import { isSentence, type Sentence, sentence } from "@/lib/sentence";
import { english, sentenceOf, untranslated } from "../tickets/sentences";
import type { AlertKind } from "./kinds";

export type { AlertKind } from "./kinds";
/** `message` is the English of `sentence` (what the webhooks and bots get); the dashboard renders the sentence in its language. */
type Condition = { key: string; kind: AlertKind; subject: string; appRef: string; credentialId: string | null; message: string; sentence: Sentence };

const CAUSE_SENTENCE = { "bad-config": "alert.badConfig", "quota-exhausted": "alert.quotaExhausted", "invalid-credential": "alert.invalidCredential" } as const;

/**
 * What is wrong right now, from the same view the dashboard shows: of the credentials that may
 * raise a condition (candidates.ts), not of every credential.
 */
export async function currentConditions(): Promise<Condition[]> {
  return (await judgeNow()).conditions;
}

/** The current conditions, and which of the credentials judged have a refresh in flight (a lease held). */
async function judgeNow(): Promise<{ conditions: Condition[]; refreshing: Set<string> }> {
  const at = now();
  const views = await credentialViews(await alertCandidates(getDb(), at, getConfig().alerts));
  return { conditions: conditionsOf(views, at.getTime()), refreshing: new Set(views.filter((v) => v.refreshing).map((v) => v.id)) };
}

/** The conditions these credentials' views raise at `at` (ms). */
export function conditionsOf(views: CredentialView[], at: number): Condition[] {
  const { failures, expiryMarginSeconds, quotaPercent } = getConfig().alerts;
  const out: Condition[] = [];
  const push = (c: Omit<Condition, "message">) => out.push({ ...c, message: english(c.sentence) });
  const quotaSeen = new Set<string>();
  for (const c of views) {
    const label = { app: c.appName, kind: c.kindLabel };
    const failing = c.status === "failing" && c.lastError;
    const refresh = !c.impact.blockedBy
      ? sentence("alert.refreshNow")
      : c.impact.refreshPossibleAt
        ? sentence("alert.refreshAt", { refreshAt: c.impact.refreshPossibleAt })
        : sentence("alert.refreshNever");
    const impact: Sentence | "" = c.impact.atRisk
      ? c.impact.breaksAt && Date.parse(c.impact.breaksAt) > at
        ? sentence("alert.breaks", { breaksAt: c.impact.breaksAt, refresh })
        : sentence("alert.failingNow", { refresh })
      : "";
    const lastError = c.lastError ? (c.lastError.sentence ?? sentenceOf(c.lastError.message, "error")) : sentence("error.unknown");
    const cause = failing ? c.lastError!.class : null;
    // Alert at the first failure that a retry cannot fix; an invalid credential only once it persists:
    // a ticket's refresh already renewed its token and retried once (fetch-with-parent.ts), a token needs a second failure.
    const persisting = cause === "invalid-credential" && c.consecutiveFailures >= (c.kind === "access_token" ? 2 : 1);
    if (cause === "bad-config" || cause === "quota-exhausted" || persisting) {
      push({
        key: `${cause}:${c.id}`,
        kind: cause as AlertKind,
        subject: c.id,
        appRef: c.appRef,
        credentialId: c.id,
        sentence: sentence(CAUSE_SENTENCE[cause as keyof typeof CAUSE_SENTENCE], { ...label, error: lastError, impact }),
      });
    } else if (c.impact.atRisk) {
      // Not also for a credential whose cause alert above already says it will break (one message, not two).
      const blocked = c.impact.blockedBy ? sentence("alert.blocked", { blocked: c.impact.blockedBySentence ?? untranslated(c.impact.blockedBy) }) : "";
      push({
        key: `at-risk:${c.id}`,
        kind: "at-risk",
        subject: c.id,
        appRef: c.appRef,
        credentialId: c.id,
        sentence: sentence("alert.atRisk", { ...label, impact, blocked }),
      });
    }
    if (c.consecutiveFailures >= failures) {
      push({
        key: `refresh-failing:${c.id}`,
        kind: "refresh-failing",
        subject: c.id,
        appRef: c.appRef,
        credentialId: c.id,
        sentence: sentence("alert.refreshFailing", { ...label, count: c.consecutiveFailures, error: lastError }),
      });
    }
    if (c.current) {
      const left = Math.floor((Date.parse(c.current.expiresAt) - at) / 1000);
      if (left < expiryMarginSeconds) {
        push({
          key: `expiring:${c.id}`,
          kind: "expiring",
          subject: c.id,
          appRef: c.appRef,
          credentialId: c.id,
          sentence: left > 0 ? sentence("alert.expiring", { ...label, duration: left }) : sentence("alert.expired", label),
        });
      }
    }
    const q = c.quota;
    if (q?.limit && !quotaSeen.has(`${c.appRef}|${q.endpoint}`) && quotaReached(q.used, q.limit, quotaPercent)) {
      quotaSeen.add(`${c.appRef}|${q.endpoint}`);
      push({
        key: `quota:${c.appRef}|${q.endpoint}`,
        kind: "quota",
        subject: `${c.appRef}|${q.endpoint}`,
        appRef: c.appRef,
        credentialId: null,
        sentence: sentence("alert.quota", {
          app: c.appName,
          endpoint: q.endpoint,
          used: q.used,
          limit: q.limit,
          percent: Math.round((q.used / q.limit) * 100),
        }),
      });
    }
  }
  return out;
}

type Delivery = {
  status: "firing" | "resolved";
  alert: {
    id: string;
    kind: string;
    subject: string;
    message: string;
    openedAt: Date;
    resolvedAt: Date | null;
    appRef: string | null;
    credentialId: string | null;
  };
};

/**
 * The generic webhook(s) and chat bots an alert goes to (the global ones, then the app's own), and
 * the app's row as read for them (its vendor and policy also make the message's runbook).
 */
async function alertTargets(appRef: string | null): Promise<{ targets: AlertChannel[]; app: Pick<VendorApp, "vendor" | "policy"> | null }> {
  const { webhookUrl, chatBots } = getConfig().alerts;
  const out: AlertChannel[] = [];
  const add = (c: AlertChannel) => {
    if (!out.some((o) => o.type === c.type && o.url === c.url)) out.push(c);
  };
  if (webhookUrl) add({ type: "webhook", url: webhookUrl });
  for (const bot of chatBots) add(bot);
  const app = appRef ? await getDb().vendorApp.findUnique({ where: { id: appRef }, select: { vendor: true, policy: true, alertChannelEnc: true } }) : null;
  if (app) {
    const own = parsePolicyOverrides(app.policy).alertWebhookUrl;
    if (own) add({ type: "webhook", url: own });
    const channel = appChannel(app);
    if (channel) add(channel);
  }
  return { targets: out, app };
}

/**
 * An alert's runbook, with what it depends on of its app: its vendor, and for a quota alert whose
 * limit it is now (the app's policy). One for the chat messages and the alert list alike.
 */
function alertRunbook(a: { kind: string; message: string; subject: string }, app: Pick<VendorApp, "vendor" | "policy"> | null | undefined) {
  return runbookFor({
    kind: a.kind,
    message: a.message,
    vendor: app?.vendor ?? null,
    limitSource: a.kind === "quota" && app ? quotaAlertLimitSource(app, a.subject) : null,
  });
}

/**
 * Posts the alert to every target, up to three tries each (0, 1 s, 3 s): whether any got it, and the
 * error of the last target that never did (a try that failed before a retry got through is no error).
 */
async function deliver(d: Delivery): Promise<{ sent: boolean; error: string | null }> {
  const { targets, app } = await alertTargets(d.alert.appRef);
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
  const runbook = alertRunbook(d.alert, app);
  const text = {
    status: d.status,
    kind: d.alert.kind,
    message: d.alert.message,
    runbook: runbook ? `${runbook.title}: ${runbook.text}` : null,
    link: null,
  };
  for (const channel of targets) {
    let ok = false;
    let error: string | null = null;
    for (const wait of [0, 1_000, 3_000]) {
      if (wait) await new Promise((r) => setTimeout(r, wait));
      // Signed anew for each try: a bot refuses a stale timestamp.
      const req = channelRequest(channel, text, body, new Date());
      // Every role sees the error: a class of failure only, never the URL, a body or a socket error.
      const res = await postWebhook(req.url, req.body, { allowedHosts: allowedWebhookHosts, timeoutMs: 5_000, accept: req.accept });
      if (res.ok) {
        ok = true;
        break;
      }
      error = res.error;
      if (!res.retry) break;
    }
    countAlertSent({ kind: d.alert.kind, status: d.status, outcome: ok ? "delivered" : "failed" });
    if (ok) sent = true;
    else lastError = error;
  }
  return { sent, error: lastError };
}

function isUniqueViolation(err: unknown): boolean {
  return typeof err === "object" && err !== null && (err as { code?: string }).code === "P2002";
}

/**
 * Opens an incident for each new condition and resolves those that ended, sending one webhook for
 * each. Safe in every instance at once: the open incident's key is unique, and only the instance
 * whose insert or resolve took effect sends. An at-risk alert waits while its credential's refresh
 * is in flight (holdAtRisk).
 */
export async function evaluateAlerts(): Promise<{ opened: number; resolved: number }> {
  const changes = { opened: 0, resolved: 0 };
  try {
    await openAndResolve(changes);
    return changes;
  } finally {
    // Also after a failure part-way: what was written is told.
    if (changes.opened || changes.resolved) alertsChanged();
  }
}

/** evaluateAlerts's work; counts what it opened and resolved into `changes` as it goes. */
async function openAndResolve(changes: { opened: number; resolved: number }): Promise<void> {
  const db = getDb();
  // Open incidents first, then the conditions: an incident another evaluation (this process's or
  // another instance's) opens meanwhile is not in `open`, so conditions read before it cannot
  // resolve it. The other order resolved a just-opened alert and sent a stray RESOLVED + FIRING.
  const open = await db.alert.findMany({ where: { openKey: { not: null } } });
  const { conditions, refreshing } = await judgeNow();
  const held = holdAtRisk(refreshing);
  const openKeys = new Set(open.map((a) => a.openKey));
  for (const c of conditions) {
    if (openKeys.has(c.key)) continue;
    if (held(c)) continue;
    // A silence outlives its incident: the same condition reopening (flapping) stays quiet until it ends.
    const silenced = await db.alert.findFirst({
      where: { kind: c.kind, subject: c.subject, silencedUntil: { gt: now() } },
      orderBy: { openedAt: "desc" },
      select: { silencedUntil: true, silencedBy: true },
    });
    let alert;
    try {
      alert = await db.alert.create({
        data: {
          // On the server's clock, as its resolvedAt and its silence (the schema's default is this host's).
          openedAt: now(),
          openKey: c.key,
          kind: c.kind,
          subject: c.subject,
          appRef: c.appRef,
          credentialId: c.credentialId,
          message: c.message,
          sentence: JSON.stringify(c.sentence),
          silencedUntil: silenced?.silencedUntil ?? null,
          silencedBy: silenced?.silencedBy ?? null,
        },
      });
    } catch (err) {
      if (isUniqueViolation(err)) continue; // another instance opened it
      throw err;
    }
    changes.opened++;
    if (silenced) continue;
    const d = await deliver({ status: "firing", alert });
    await db.alert.update({ where: { id: alert.id }, data: { firingSentAt: d.sent ? now() : null, lastDeliveryError: d.error } });
  }
  const active = new Set(conditions.map((c) => c.key));
  for (const a of open) {
    if (active.has(a.openKey!)) continue;
    if (held({ key: a.openKey!, kind: a.kind, credentialId: a.credentialId })) continue;
    const resolvedAt = now();
    const done = await db.alert.updateMany({ where: { id: a.id, openKey: a.openKey }, data: { openKey: null, resolvedAt } });
    if (done.count !== 1) continue; // another instance resolved it
    changes.resolved++;
    if (a.silencedUntil && a.silencedUntil > resolvedAt) continue;
    const d = await deliver({ status: "resolved", alert: { ...a, resolvedAt } });
    await db.alert.update({ where: { id: a.id }, data: { resolvedSentAt: d.sent ? now() : null, lastDeliveryError: d.error } });
  }
}

/** Since when (ms) each at-risk condition has been held back by holdAtRisk, as of the last evaluation. */
let heldSince = new Map<string, number>();

/**
 * Whether a condition's at-risk alert is left as it is (neither opened nor resolved) in this
 * evaluation: while its credential's refresh is in flight (a lease held), for one alert interval at
 * most. "At risk" compares the value's end with when a refresh can succeed, which a refresh in
 * flight moves between its writes: a 45009's refusal is on record (vendor-context.ts) before the
 * ticket's failure (record-failure.ts), and judged in between the ticket was "at risk" for that
 * moment (FIRING at-risk, then FIRING quota-exhausted and RESOLVED at-risk: three messages for one
 * incident); a refresh marks its credential due now as it starts, so a failing one waiting out a
 * backoff was not at risk while it ran (RESOLVED, then FIRING again at its failure). A failure
 * evaluates again once the lease is gone (refresh-credential.ts). The other kinds come from the
 * credential's row, which only the refresh's last write changes: never held. The bound keeps a
 * credential refreshed again and again (clients reading it while its vendor is down) from holding
 * its alert for good. Call once per evaluation; its calls replace the record of what was held.
 */
function holdAtRisk(refreshing: Set<string>): (c: { key: string; kind: string; credentialId: string | null }) => boolean {
  const at = Date.now();
  const before = heldSince;
  heldSince = new Map();
  return ({ key, kind, credentialId }) => {
    if (kind !== "at-risk" || !credentialId || !refreshing.has(credentialId)) return false;
    const since = before.get(key) ?? at;
    heldSince.set(key, since);
    return at - since < getConfig().alerts.intervalMs;
  };
}

let stopAlerts: (() => void) | null = null;

/**
 * Evaluates alerts every `intervalMs` and right after each failed refresh in this process
 * (events.ts): a failure that breaks clients (bad-config, quota-exhausted, an invalid credential
 * that persists, a value now at risk) alerts at once; the interval is the safety net for what
 * changes by time alone or in another process. One evaluation at a time: a request while one runs
 * asks for one more after it (never more than one waiting), so a burst of failures costs two
 * evaluations, and incidents are opened and resolved exactly once (evaluateAlerts).
 * Returns a function that stops both.
 */
export function startAlerts(): () => void {
  if (stopAlerts) return stopAlerts;
  let running: Promise<void> | null = null;
  let again = false;
  const evaluate = (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      try {
        do {
          again = false;
          try {
            await evaluateAlerts();
          } catch (err) {
            console.error(`[alerts] ${errorLine(err)}`);
          }
        } while (again);
      } finally {
        // Cleared in the same step that ends the loop: a request after the last `again` check starts a new run.
        running = null;
      }
    })();
    return running;
  };
  const timer = setInterval(() => void evaluate(), getConfig().alerts.intervalMs);
  timer.unref();
  const stopListening = onRefreshFailed(() => void evaluate());
  const stopListeningToClears = onQuotaCleared(() => void evaluate());
  stopAlerts = () => {
    clearInterval(timer);
    stopListening();
    stopListeningToClears();
    stopAlerts = null;
  };
  return stopAlerts;
}

/** An alert row's sentence (JSON); null on rows written before sentences were stored, or unreadable. */
function storedSentence(json: string | null): Sentence | null {
  if (!json) return null;
  try {
    const parsed: unknown = JSON.parse(json);
    return isSentence(parsed) ? parsed : null;
  } catch {
    return null;
  }
}

export async function listAlerts(limit = 50) {
  const db = getDb();
  const [open, recent, apps] = await Promise.all([
    db.alert.findMany({ where: { openKey: { not: null } }, orderBy: { openedAt: "desc" } }),
    db.alert.findMany({ where: { openKey: null }, orderBy: { openedAt: "desc" }, take: limit }),
    db.vendorApp.findMany({ select: { id: true, name: true, vendor: true, policy: true, quotaClearedAt: true } }),
  ]);
  const appName = new Map(apps.map((a) => [a.id, a.name]));
  const appById = new Map(apps.map((a) => [a.id, a]));
  // Silences are written and judged on the server's clock (manage-alerts.ts), as everything else
  // the lifecycle decides by time: instances on hosts whose clocks differ end one at one moment.
  const at = now();
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
    appRef: a.appRef,
    acknowledgedAt: a.acknowledgedAt?.toISOString() ?? null,
    acknowledgedBy: a.acknowledgedBy,
    silencedUntil: a.silencedUntil && a.silencedUntil > at ? a.silencedUntil.toISOString() : null,
    silencedBy: a.silencedUntil && a.silencedUntil > at ? a.silencedBy : null,
    runbook: alertRunbook(a, a.appRef ? appById.get(a.appRef) : null),
    // A clear_quota since the incident opened (this one's action, or another alert's of the app): not offered again for it.
    quotaClearedAt: (() => {
      const cleared = a.appRef ? appById.get(a.appRef)?.quotaClearedAt : null;
      return cleared && cleared >= a.openedAt ? cleared.toISOString() : null;
    })(),
    messageSentence: storedSentence(a.sentence),
    deliveryErrorSentence: a.lastDeliveryError ? sentenceOf(a.lastDeliveryError, "delivery") : null,
  });
  return { open: open.map(view), recent: recent.map(view) };
}
