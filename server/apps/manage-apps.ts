import "server-only";
import { credentialsChanged } from "../events";
import { appInputSchema, LIVE_BASE_URLS, VENDOR_HOSTS, type AppView } from "@/lib/app-input";
import { isVendor, VENDOR_LABELS, type VendorId } from "@/lib/credential-kinds";
import { policyOverridesSchema } from "@/lib/policy-overrides";
import { appKeys } from "@/lib/query-keys";
import type { Role } from "@/lib/roles";
import { maskWebhookUrl, webhookUrlProblem } from "@/lib/webhook-url";
import { now } from "../clock";
import { getConfig } from "../config";
import { encrypt } from "../crypto";
import { getDb, type Db } from "../db";
import { AppError, notFound } from "../errors";
import { QUOTA_LIMITS_CHANGED_REASON, resumeQuotaBlocked } from "../quota/quota";
import { APP_CHANGED_REASON } from "../tickets/failure-policy";
import { parsePolicyOverrides } from "../tickets/policy";
import { APP_SETTINGS } from "../tickets/record-failure";
import { ensureCredentialSlots } from "./seed-demo-apps";
import { appChannel, describeChannel } from "../alerts/channels";

export class AppInputError extends AppError {
  constructor(kind: "invalid" | "conflict", field: string, message: string) {
    super(kind, "Invalid app", message, { field });
  }
}

type Row = {
  id: string;
  vendor: string;
  name: string;
  appId: string;
  baseUrl: string;
  tokenVariant: string;
  tokenPath: string | null;
  policy: string;
  enabled: boolean;
  demo: boolean;
  alertChannelEnc: string | null;
  updatedAt: Date;
  _count: { credentials: number };
};

function baseUrlKind(vendor: string, baseUrl: string): AppView["baseUrlKind"] {
  if (baseUrl === getConfig().sandbox.url) return "sandbox";
  return isVendor(vendor) && LIVE_BASE_URLS[vendor] === baseUrl ? "live" : "custom";
}

/**
 * The stored policy JSON with its webhook URL cut to the origin: the path and query of a chat
 * webhook are usually its bearer secret, and only admins (who edit them) need them.
 */
function policyFor(policy: string, role: Role): string {
  if (policy === "{}") return "";
  if (role === "admin") return policy;
  let parsed: unknown;
  try {
    parsed = JSON.parse(policy);
  } catch {
    return "";
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return "";
  const obj = parsed as Record<string, unknown>;
  return "alertWebhookUrl" in obj ? JSON.stringify({ ...obj, alertWebhookUrl: maskWebhookUrl(String(obj.alertWebhookUrl)) }) : policy;
}

/** An app as the dashboard sees it: never its secret; the webhook URL in full for admins only. */
function view(a: Row, role: Role): AppView {
  return {
    id: a.id,
    vendor: a.vendor,
    vendorLabel: isVendor(a.vendor) ? VENDOR_LABELS[a.vendor] : a.vendor,
    name: a.name,
    appId: a.appId,
    baseUrl: a.baseUrl,
    baseUrlKind: baseUrlKind(a.vendor, a.baseUrl),
    tokenVariant: a.tokenVariant,
    tokenPath: a.tokenPath,
    policy: policyFor(a.policy, role),
    enabled: a.enabled,
    demo: a.demo,
    credentials: a._count.credentials,
    updatedAt: a.updatedAt.toISOString(),
    alertChannel: ((ch) => (ch ? describeChannel(ch) : null))(appChannel(a)),
  };
}

/** The app list as a page's server render reads it for the browser's query cache (Prefetched), as GET /api/apps answers it. */
export const appsPrefetch = (role: Role) => ({ queryKey: appKeys.list(), queryFn: async () => ({ apps: await listApps({ role }) }) });

export async function listApps({ role }: { role: Role }): Promise<AppView[]> {
  const rows = await getDb().vendorApp.findMany({ orderBy: [{ vendor: "asc" }, { name: "asc" }], include: { _count: { select: { credentials: true } } } });
  return rows.map((row) => view(row, role));
}

function parse(input: unknown) {
  const r = appInputSchema.safeParse(input);
  if (!r.success) {
    const i = r.error.issues[0]!;
    const field = i.code === "unrecognized_keys" ? i.keys.join(", ") : String(i.path[0] ?? "body");
    const message =
      i.code === "unrecognized_keys" ? "unknown field (allowed: vendor, name, appId, secret, baseUrl, tokenVariant, tokenPath, policy)" : i.message;
    throw new AppInputError("invalid", field, message);
  }
  // The schema (shared with the browser) checks the webhook URL's syntax; where it may point
  // depends on this server's TICKETHUB_ALLOWED_WEBHOOK_HOSTS.
  const hook = r.data.policy.trim() ? policyOverridesSchema.parse(JSON.parse(r.data.policy)).alertWebhookUrl : undefined;
  const hookProblem = hook ? webhookUrlProblem(hook, getConfig().alerts.allowedWebhookHosts) : null;
  if (hookProblem) throw new AppInputError("invalid", "policy", `alertWebhookUrl: ${hookProblem}`);
  return r.data;
}

function resolveBaseUrl(vendor: VendorId, baseUrl: string): string {
  if (baseUrl === "sandbox") {
    if (!getConfig().sandbox.enabled)
      throw new AppInputError("invalid", "baseUrl", "the sandbox is off (TICKETHUB_SANDBOX=off): choose live or an https:// origin");
    return getConfig().sandbox.url;
  }
  if (baseUrl === "live") return LIVE_BASE_URLS[vendor]!;
  const origin = new URL(baseUrl).origin;
  const allowed = [...VENDOR_HOSTS[vendor], ...getConfig().allowedBaseUrls];
  if (!allowed.includes(origin)) {
    throw new AppInputError(
      "invalid",
      "baseUrl",
      `${origin} is not a ${VENDOR_LABELS[vendor]} API host${allowed.length ? ` (allowed: ${allowed.join(", ")})` : ""}; an operator can allow it with TICKETHUB_ALLOWED_BASE_URLS`,
    );
  }
  return origin;
}

const normalisedPolicy = (text: string) => (text.trim() ? JSON.stringify(JSON.parse(text)) : "{}");

const withCount = { _count: { select: { credentials: true } } } as const;

/** Registers an app and its credential slots; they are fetched on the scheduler's next tick. */
export async function createApp({ input, actor }: { input: unknown; actor: string }): Promise<AppView> {
  const v = parse(input);
  if (!v.secret) throw new AppInputError("invalid", "secret", "is required for a new app");
  const db = getDb();
  if (await db.vendorApp.findUnique({ where: { vendor_appId: { vendor: v.vendor, appId: v.appId } } })) {
    throw new AppInputError("conflict", "appId", `a ${VENDOR_LABELS[v.vendor]} app with this id is already registered`);
  }
  const data = {
    vendor: v.vendor,
    name: v.name,
    appId: v.appId,
    secretEnc: encrypt(v.secret),
    baseUrl: resolveBaseUrl(v.vendor, v.baseUrl),
    tokenVariant: v.tokenVariant === "token" ? "default" : v.tokenVariant,
    tokenPath: v.tokenPath || null,
    policy: normalisedPolicy(v.policy),
  };
  // The app, its slots and the audit row stand or fall together.
  const row = await db.$transaction(async (tx) => {
    const app = await tx.vendorApp.create({ data });
    await ensureCredentialSlots(tx as Db, app.id, v.vendor);
    await tx.auditEvent.create({
      data: { at: now(), actor, action: "app.create", target: app.id, outcome: "ok", detail: `${VENDOR_LABELS[v.vendor]} ${v.name} (${v.appId})` },
    });
    return tx.vendorApp.findUniqueOrThrow({ where: { id: app.id }, include: withCount });
  });
  credentialsChanged();
  return view(row, "admin");
}

/**
 * Changes an app. The secret is write-only: an empty one keeps the stored secret. A change that
 * makes the stored values useless (secret, app id, base URL, token endpoint) makes every credential
 * of the app due at once.
 */
export async function updateApp({ id, input, actor }: { id: string; input: unknown; actor: string }): Promise<AppView> {
  const db = getDb();
  const current = await db.vendorApp.findUnique({ where: { id } });
  if (!current) throw notFound("app", id);
  const v = parse(input);
  if (v.vendor !== current.vendor) throw new AppInputError("conflict", "vendor", "cannot change: register a new app for another vendor");
  if (v.appId !== current.appId && (await db.vendorApp.findUnique({ where: { vendor_appId: { vendor: v.vendor, appId: v.appId } } }))) {
    throw new AppInputError("conflict", "appId", `a ${VENDOR_LABELS[v.vendor]} app with this id is already registered`);
  }
  const data = {
    name: v.name,
    appId: v.appId,
    baseUrl: resolveBaseUrl(v.vendor, v.baseUrl),
    tokenVariant: v.tokenVariant === "token" ? "default" : v.tokenVariant,
    tokenPath: v.tokenPath || null,
    policy: normalisedPolicy(v.policy),
    ...(v.secret ? { secretEnc: encrypt(v.secret) } : {}),
  };
  const changed = (Object.keys(data) as (keyof typeof data)[]).filter((k) => (k === "secretEnc" ? true : data[k] !== current[k]));
  const invalidates = changed.some((k) => k in APP_SETTINGS);
  // New daily limits: what the old ones paused until the vendors' day turns is due now; the scheduler
  // asks the ledger again first (quotaBlock), so what is still over a limit, or was refused by the
  // vendor itself, pauses again without a vendor call.
  const limitsChanged = JSON.stringify(parsePolicyOverrides(data.policy).quotas ?? {}) !== JSON.stringify(parsePolicyOverrides(current.policy).quotas ?? {});
  const row = await db.$transaction(async (tx) => {
    await tx.vendorApp.update({ where: { id }, data });
    if (invalidates) {
      await tx.credential.updateMany({
        where: { appRef: id },
        data: { nextRefreshAt: now(), nextRefreshReason: APP_CHANGED_REASON },
      });
    } else if (limitsChanged) {
      await resumeQuotaBlocked(tx as Db, { appRef: id }, QUOTA_LIMITS_CHANGED_REASON);
    }
    await tx.auditEvent.create({
      data: {
        at: now(),
        actor,
        action: "app.update",
        target: id,
        outcome: "ok",
        detail: `${v.name}: ${changed.map((k) => (k === "secretEnc" ? "secret" : k)).join(", ") || "no change"}`,
      },
    });
    return tx.vendorApp.findUniqueOrThrow({ where: { id }, include: withCount });
  });
  // Once more after the commit: a scheduled refresh that read the old limits may have paused a
  // credential while the save's transaction ran (on PostgreSQL it did not wait for it).
  if (limitsChanged) await resumeQuotaBlocked(db, { appRef: id }, QUOTA_LIMITS_CHANGED_REASON);
  // Every copy (this process's read cache and list, the read plane's cache over IPC) drops it now.
  credentialsChanged();
  return view(row, "admin");
}

/** Disables (the scheduler and the proxy leave it alone; nothing is deleted) or enables an app. */
export async function setAppEnabled({ id, enabled, actor }: { id: string; enabled: boolean; actor: string }): Promise<AppView> {
  const db = getDb();
  const current = await db.vendorApp.findUnique({ where: { id } });
  if (!current) throw notFound("app", id);
  if (current.enabled !== enabled) {
    await db.$transaction([
      db.vendorApp.update({ where: { id }, data: { enabled } }),
      db.auditEvent.create({
        data: { at: now(), actor, action: enabled ? "app.enable" : "app.disable", target: id, outcome: "ok", detail: `${current.name} (${current.appId})` },
      }),
    ]);
    // Every copy (this process's read cache and list, the read plane's cache over IPC) drops it now.
    credentialsChanged();
  }
  return view(await db.vendorApp.findUniqueOrThrow({ where: { id }, include: withCount }), "admin");
}
