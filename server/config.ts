import "server-only";
import os from "node:os";
import path from "node:path";
import { z } from "zod";
import { parseWebhookHost, webhookUrlProblem } from "../lib/webhook-url";
import { parseTrustedProxies } from "./http/front-door";
import { numberIn } from "../lib/number-rule";
import { DEFAULT_NEXT_SERVER_NICE } from "./process-priority";
import { passwordSchema } from "../lib/user-input";

const onOff = z.enum(["on", "off"]);
const sandboxMode = z.enum(["on", "external", "off"]);

const port = numberIn(1, 65535, "must be a port number (1-65535)", { int: true, coerce: true });

const databaseUrl = z
  .string()
  .trim()
  .refine((v) => /^(file:|postgres(ql)?:\/\/)/.test(v), {
    message: 'must start with "file:" (SQLite) or "postgresql://" (PostgreSQL)',
  })
  .refine((v) => !v.startsWith("postgres") || URL.canParse(v), { message: "is not a valid URL" });

const envSchema = z.object({
  PORT: port.default(3000),
  DATABASE_URL: databaseUrl.optional(),
  TICKETHUB_DATA_DIR: z.string().trim().min(1).default("./data"),
  TICKETHUB_SECRET_KEY: z
    .string()
    .trim()
    .refine((v) => decodeKey(v) !== null, {
      message: "must be 32 bytes as 64 hex characters or base64 (openssl rand -base64 32)",
    })
    .optional(),
  SANDBOX_PORT: port.default(4010),
  TICKETHUB_SANDBOX: sandboxMode.default("on"),
  TICKETHUB_DEMO: onOff.default("on"),
  TICKETHUB_SCHEDULER: onOff.default("on"),
  TICKETHUB_UPSTREAM_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  TICKETHUB_LEASE_TTL_MS: z.coerce.number().int().min(1_000).max(600_000).default(30_000),
  TICKETHUB_INSTANCE_ID: z.string().trim().min(1).max(100).optional(),
  TICKETHUB_LOG_REFRESHES: onOff.default("off"),
  TICKETHUB_RETENTION_DAYS: numberIn(1, 3650, "must be a whole number of days (1-3650)", { int: true, coerce: true }).default(30),
  TICKETHUB_SESSION_HOURS: numberIn(1, 720, "must be a number of hours (1-720)", { int: true, coerce: true }).default(12),
  TICKETHUB_ADMIN_USERNAME: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_.@-]{1,64}$/, { error: "must be 1-64 letters, digits, _ . @ or -" })
    .optional(),
  TICKETHUB_ADMIN_PASSWORD: passwordSchema.optional(),
  /** Comma-separated https origins that apps may use as base URL besides the vendors' own hosts. */
  TICKETHUB_ALLOWED_BASE_URLS: z
    .string()
    .trim()
    .refine((v) => v.split(",").every((o) => isHttpsOrigin(o.trim())), { message: "must be comma-separated https:// origins such as https://api.example.com" })
    .optional(),
  /** Comma-separated addresses or CIDRs of proxies whose X-Forwarded-* headers are believed. */
  TICKETHUB_TRUSTED_PROXIES: z
    .string()
    .trim()
    .refine((v) => isProxyList(v), { message: "must be comma-separated IP addresses or CIDRs such as 10.0.0.0/8, 172.28.0.10" })
    .optional(),
  TICKETHUB_ALERT_WEBHOOK_URL: z
    .string()
    .trim()
    .refine((u) => URL.canParse(u) && /^https?:$/.test(new URL(u).protocol), { message: "must be an http(s) URL" })
    .optional(),
  /** Chat bots that get every alert (README "Alerts and chat bots"); the same address rules as the webhook. */
  TICKETHUB_ALERT_FEISHU_URL: z.string().trim().optional(),
  TICKETHUB_ALERT_FEISHU_SECRET: z.string().trim().min(1).max(200).optional(),
  TICKETHUB_ALERT_DINGTALK_URL: z.string().trim().optional(),
  TICKETHUB_ALERT_DINGTALK_SECRET: z.string().trim().min(1).max(200).optional(),
  TICKETHUB_ALERT_WECOM_URL: z.string().trim().optional(),
  /** Comma-separated hosts (host or host:port) alert webhooks may reach over http or on a private address. */
  TICKETHUB_ALLOWED_WEBHOOK_HOSTS: z
    .string()
    .trim()
    .refine((v) => v.split(",").every((h) => parseWebhookHost(h) !== null), {
      message: "must be comma-separated hosts or host:port pairs such as hooks.lan,10.0.0.5:8080",
    })
    .optional(),
  TICKETHUB_ALERT_INTERVAL_MS: numberIn(200, 600_000, "must be milliseconds (200-600000)", { int: true, coerce: true }).default(15_000),
  TICKETHUB_ALERT_FAILURES: numberIn(1, 100, "must be a whole number (1-100)", { int: true, coerce: true }).default(3),
  TICKETHUB_ALERT_EXPIRY_MARGIN_SECONDS: numberIn(10, 86_400, "must be seconds (10-86400)", { int: true, coerce: true }).default(300),
  TICKETHUB_ALERT_QUOTA_PERCENT: numberIn(1, 100, "must be a percentage (1-100)", { coerce: true }).default(80),
  TICKETHUB_READ_CACHE: onOff.default("on"),
  TICKETHUB_READ_CACHE_POLL_MS: numberIn(50, 5000, "must be a whole number of milliseconds (50-5000)", { int: true, coerce: true }).default(250),
  TICKETHUB_NEXT_NICE: numberIn(0, 19, "must be a whole number of nice steps (0-19)", { int: true, coerce: true }).default(DEFAULT_NEXT_SERVER_NICE),
  /** Tests only: simulated seconds per real second, counted from TICKETHUB_TIME_EPOCH. */
  TICKETHUB_TIME_SCALE: z.coerce.number({ error: "must be a number ≥ 1" }).min(1, { error: "must be a number ≥ 1" }).max(100_000).default(1),
  TICKETHUB_TIME_EPOCH: z.coerce.number({ error: "must be a unix time in ms" }).int().min(0).optional(),
  /** Tests only: pretend this host's clock is off by this many ms (proves that the database's clock rules). */
  TICKETHUB_TEST_CLOCK_OFFSET_MS: z.coerce
    .number({ error: "must be milliseconds" })
    .int({ error: "must be milliseconds" })
    .min(-86_400_000)
    .max(86_400_000)
    .default(0),
});

export type Config = ReturnType<typeof parseConfig>;

export class ConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`Invalid configuration:\n${issues.map((i) => `  - ${i}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

function isHttpsOrigin(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const u = new URL(value);
  return u.protocol === "https:" && !u.username && !u.password && u.pathname === "/" && !u.search && !u.hash;
}

function isProxyList(value: string): boolean {
  try {
    return parseTrustedProxies(value).length > 0;
  } catch {
    return false;
  }
}

export function decodeKey(value: string): Buffer | null {
  if (/^[0-9a-fA-F]{64}$/.test(value)) return Buffer.from(value, "hex");
  const b = Buffer.from(value, "base64");
  return b.length === 32 ? b : null;
}

/** Validates the environment once; every message names the variable and the rule it broke. */
export function parseConfig(env: Record<string, string | undefined> = process.env) {
  const picked = Object.fromEntries(Object.keys(envSchema.shape).map((k) => [k, env[k] === "" ? undefined : env[k]]));
  const result = envSchema.safeParse(picked);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((i) => `${String(i.path[0] ?? "environment")}: ${i.message}`));
  }
  const e = result.data;
  if (!!e.TICKETHUB_ADMIN_USERNAME !== !!e.TICKETHUB_ADMIN_PASSWORD) {
    throw new ConfigError([
      `${e.TICKETHUB_ADMIN_USERNAME ? "TICKETHUB_ADMIN_PASSWORD" : "TICKETHUB_ADMIN_USERNAME"}: is required when the other is set (they create the first admin)`,
    ]);
  }
  const allowedWebhookHosts = (e.TICKETHUB_ALLOWED_WEBHOOK_HOSTS ?? "")
    .split(",")
    .map((h) => h.trim())
    .filter(Boolean);
  const webhookProblem = e.TICKETHUB_ALERT_WEBHOOK_URL ? webhookUrlProblem(e.TICKETHUB_ALERT_WEBHOOK_URL, allowedWebhookHosts) : null;
  if (webhookProblem) throw new ConfigError([`TICKETHUB_ALERT_WEBHOOK_URL: ${webhookProblem}`]);
  const chatBots: { type: "feishu" | "dingtalk" | "wecom"; url: string; secret?: string }[] = [];
  for (const [type, urlVar, secret] of [
    ["feishu", "TICKETHUB_ALERT_FEISHU_URL", e.TICKETHUB_ALERT_FEISHU_SECRET],
    ["dingtalk", "TICKETHUB_ALERT_DINGTALK_URL", e.TICKETHUB_ALERT_DINGTALK_SECRET],
    ["wecom", "TICKETHUB_ALERT_WECOM_URL", undefined],
  ] as const) {
    const url = e[urlVar];
    if (!url) continue;
    const problem = URL.canParse(url) && /^https?:$/.test(new URL(url).protocol) ? webhookUrlProblem(url, allowedWebhookHosts) : "must be an http(s) URL";
    if (problem) throw new ConfigError([`${urlVar}: ${problem}`]);
    chatBots.push({ type, url, ...(secret ? { secret } : {}) });
  }
  const dataDir = path.resolve(e.TICKETHUB_DATA_DIR);
  const url = e.DATABASE_URL ?? `file:${path.join(dataDir, "tickethub.db")}`;
  const database = url.startsWith("file:")
    ? ({ provider: "sqlite", url, file: path.resolve(url.slice("file:".length)) } as const)
    : ({ provider: "postgresql", url } as const);
  return {
    port: e.PORT,
    dataDir,
    database,
    secretKey: e.TICKETHUB_SECRET_KEY ? decodeKey(e.TICKETHUB_SECRET_KEY) : null,
    sandbox: {
      /** Demo apps point at it and /api/health checks it. */
      enabled: e.TICKETHUB_SANDBOX !== "off",
      /** The start script runs it (off for "external": someone else runs it). */
      start: e.TICKETHUB_SANDBOX === "on",
      url: `http://127.0.0.1:${e.SANDBOX_PORT}`,
      port: e.SANDBOX_PORT,
    },
    demo: e.TICKETHUB_DEMO === "on",
    scheduler: e.TICKETHUB_SCHEDULER === "on",
    upstreamTimeoutMs: e.TICKETHUB_UPSTREAM_TIMEOUT_MS,
    leaseTtlMs: e.TICKETHUB_LEASE_TTL_MS,
    instanceId: e.TICKETHUB_INSTANCE_ID ?? `${os.hostname()}-${process.pid}`,
    logRefreshes: e.TICKETHUB_LOG_REFRESHES === "on",
    /** Superseded versions, upstream calls, audit events and NONCE tickets older than this are deleted. */
    retentionDays: e.TICKETHUB_RETENTION_DAYS,
    sessionHours: e.TICKETHUB_SESSION_HOURS,
    alerts: {
      webhookUrl: e.TICKETHUB_ALERT_WEBHOOK_URL ?? null,
      /** Feishu, DingTalk and WeCom bots that get every alert, besides each app's own channel. */
      chatBots,
      /** Exempt from the https-only and public-address rules (tests, chat bots on the LAN). */
      allowedWebhookHosts,
      intervalMs: e.TICKETHUB_ALERT_INTERVAL_MS,
      failures: e.TICKETHUB_ALERT_FAILURES,
      expiryMarginSeconds: e.TICKETHUB_ALERT_EXPIRY_MARGIN_SECONDS,
      quotaPercent: e.TICKETHUB_ALERT_QUOTA_PERCENT,
    },
    /** The fast read path's in-process cache, and how often it checks the database for changes. */
    readCache: { enabled: e.TICKETHUB_READ_CACHE === "on", pollMs: e.TICKETHUB_READ_CACHE_POLL_MS },
    /** How many nice steps below its read plane the Next server runs (server/process-priority.ts); 0: as an equal. */
    nextServerNice: e.TICKETHUB_NEXT_NICE,
    firstAdmin:
      e.TICKETHUB_ADMIN_USERNAME && e.TICKETHUB_ADMIN_PASSWORD ? { username: e.TICKETHUB_ADMIN_USERNAME, password: e.TICKETHUB_ADMIN_PASSWORD } : null,
    /** Proxies whose X-Forwarded-For/-Host/-Proto count (scripts/serve.ts); from anyone else they are dropped. */
    trustedProxies: parseTrustedProxies(e.TICKETHUB_TRUSTED_PROXIES ?? ""),
    allowedBaseUrls: (e.TICKETHUB_ALLOWED_BASE_URLS ?? "")
      .split(",")
      .map((o) => o.trim())
      .filter(Boolean)
      .map((o) => new URL(o).origin),
    time: { scale: e.TICKETHUB_TIME_SCALE, epoch: e.TICKETHUB_TIME_EPOCH ?? Date.now(), testOffsetMs: e.TICKETHUB_TEST_CLOCK_OFFSET_MS },
  };
}

let cached: Config | undefined;

export function getConfig(): Config {
  cached ??= parseConfig();
  return cached;
}

/** Shows a postgres URL without its password, for messages and the health endpoint. */
export function describeDatabase(db: Config["database"]): string {
  if (db.provider === "sqlite") return `SQLite ${db.file}`;
  const u = new URL(db.url);
  return `PostgreSQL ${u.hostname}:${u.port || 5432}${u.pathname}`;
}
