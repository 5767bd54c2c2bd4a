import "server-only";
import { now } from "../clock";
import { describeDatabase, getConfig } from "../config";
import { getDb } from "../db";
import { cacheStore, heldInMemory, lastConfirmedAt, servableFromMemory } from "../fast/cache-store";
import { retentionFailure, silentPeer } from "./instance-state";

/**
 * ok: the database answers (and, in demo mode, the vendor sandbox).
 * degraded: something is wrong but valid values still flow: the database does not answer and this
 * instance serves what it last confirmed (each within its vendor's overlap window), the sandbox
 * is down (values already fetched are served; refreshes fail and are retried), or the instance's
 * Next server hangs (reads are served from the cache; no scheduled refresh runs here).
 * down: the database does not answer and nothing is left to serve from memory.
 * `warnings` name what needs an operator but changes nothing this instance serves (history
 * retention failing): they never change the status, so a load balancer does not act on them.
 */
export type HealthStatus = "ok" | "degraded" | "down";
export type Health = {
  status: HealthStatus;
  /** What is wrong, in words an operator can act on; empty when ok. */
  problems: string[];
  /** What needs a look but does not affect serving (history retention failing); may be non-empty when ok. */
  warnings: string[];
  instance: string;
  database: string;
  memory: { held: number; servable: number; confirmedAt: string | null; databaseDownSince: string | null };
  sandbox?: string;
};

function reason(err: unknown): string {
  const e = err as Error & { cause?: { code?: string; message?: string }; code?: string };
  return (e.cause?.code ?? e.code ?? e.cause?.message ?? e.message ?? String(err)).split("\n")[0]!.slice(0, 200);
}

/** A database that does not answer within this is as good as down for a health check. */
const DB_CHECK_TIMEOUT_MS = 2_000;

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms (${what})`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** Checks the database and, in demo mode, the vendor sandbox; names the failing part. */
export async function checkHealth(): Promise<Health> {
  const config = getConfig();
  const where = describeDatabase(config.database);
  const [database, sandbox] = await Promise.all([
    withTimeout(getDb().vendorApp.count(), DB_CHECK_TIMEOUT_MS, "SELECT")
      .then(() => "ok")
      .catch((err: unknown) => `unreachable (${where}): ${reason(err)}`),
    config.sandbox.enabled
      ? fetch(`${config.sandbox.url}/__sandbox/stats`, { signal: AbortSignal.timeout(2_000), cache: "no-store", redirect: "error" })
          .then((r) => (r.ok ? "ok" : `unhealthy: HTTP ${r.status} from ${config.sandbox.url}`))
          .catch((err: unknown) => `unreachable at ${config.sandbox.url}: ${reason(err)} (is the sandbox running? npm run sandbox)`)
      : Promise.resolve(undefined),
  ]);
  const servable = servableFromMemory(now().getTime());
  const confirmed = lastConfirmedAt();
  const downSince = cacheStore().dbDownSince;
  const problems: string[] = [];
  let status: HealthStatus = "ok";
  if (database !== "ok") {
    status = servable > 0 ? "degraded" : "down";
    problems.push(
      servable > 0
        ? `database ${database}; serving ${servable} value${servable === 1 ? "" : "s"} last confirmed at ${confirmed?.toISOString()}, each for at most its vendor's overlap window; no refreshes until it answers`
        : `database ${database}; nothing confirmed recently enough to serve from memory`,
    );
  }
  if (sandbox !== undefined && sandbox !== "ok") {
    if (status === "ok") status = "degraded";
    problems.push(`vendor sandbox ${sandbox}; values already fetched are served, refreshes fail and are retried`);
  }
  const silent = silentPeer();
  if (silent) {
    if (status === "ok") status = "degraded";
    problems.push(
      `the ${silent.name} has not answered for ${Math.round(silent.silentMs / 1000)} s (hung or overloaded): consumer reads and the proxy are served from this instance's cache; scheduled refreshes, the dashboard and sign-in wait for it`,
    );
  }
  const warnings: string[] = [];
  const retention = retentionFailure();
  if (retention) {
    warnings.push(
      `history retention failing since ${retention.since} (last tried ${retention.lastFailedAt}): ${retention.reason}; history older than the retention setting is kept until a run succeeds (hourly)`,
    );
  }
  return {
    status,
    problems,
    warnings,
    instance: config.instanceId,
    database,
    memory: {
      held: heldInMemory(),
      servable,
      confirmedAt: confirmed?.toISOString() ?? null,
      databaseDownSince: downSince ? new Date(downSince).toISOString() : null,
    },
    ...(sandbox !== undefined ? { sandbox } : {}),
  };
}
