import "server-only";
import { describeDatabase, getConfig } from "../config";
import { getDb } from "../db";

export type Health = { status: "ok" | "error"; database: string; sandbox?: string };

function reason(err: unknown): string {
  const e = err as Error & { cause?: { code?: string; message?: string }; code?: string };
  return (e.cause?.code ?? e.code ?? e.cause?.message ?? e.message ?? String(err)).split("\n")[0]!.slice(0, 200);
}

/** Checks the database and, in demo mode, the vendor sandbox; names the failing part. */
export async function checkHealth(): Promise<Health> {
  const config = getConfig();
  const [database, sandbox] = await Promise.all([
    getDb()
      .vendorApp.count()
      .then(() => "ok")
      .catch((err: unknown) => `unreachable (${describeDatabase(config.database)}): ${reason(err)}`),
    config.sandbox.enabled
      ? fetch(`${config.sandbox.url}/__sandbox/stats`, { signal: AbortSignal.timeout(2_000), cache: "no-store", redirect: "error" })
          .then((r) => (r.ok ? "ok" : `unhealthy: HTTP ${r.status} from ${config.sandbox.url}`))
          .catch((err: unknown) => `unreachable at ${config.sandbox.url}: ${reason(err)} (is the sandbox running? npm run sandbox)`)
      : Promise.resolve(undefined),
  ]);
  const ok = database === "ok" && (sandbox === undefined || sandbox === "ok");
  return { status: ok ? "ok" : "error", database, ...(sandbox !== undefined ? { sandbox } : {}) };
}
