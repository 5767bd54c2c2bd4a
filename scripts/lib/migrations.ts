// Prisma migrations without the native schema engine (it cannot be downloaded here):
// the WASM build of the same engine, driven through the project's own driver adapters.
// Applies committed migrations (recorded in `_prisma_migrations`, so `prisma migrate deploy`
// accepts the same folder) and diffs the models against the history to write the next one.
import { chmodSync, closeSync, existsSync, openSync, readFileSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { bindMigrationAwareSqlAdapterFactory, type SqlDriverAdapter, type SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import * as engineBg from "@prisma/schema-engine-wasm/schema_engine_bg";
import type { MigrationList, SchemaEngine } from "@prisma/schema-engine-wasm";
import pg from "pg";

export type Provider = "sqlite" | "postgresql";

export const root = path.resolve(import.meta.dirname, "../..");
export const migrationsDir = (provider: Provider) => path.join(root, "prisma", provider, "migrations");

let wasmReady = false;

/** Instantiates the engine's WASM by hand so node needs no --experimental-wasm-modules flag. */
function loadEngine(): typeof engineBg {
  if (!wasmReady) {
    const require = createRequire(import.meta.url);
    const wasmPath = require.resolve("@prisma/schema-engine-wasm/schema_engine_bg").replace(/\.js$/, ".wasm");
    const module = new WebAssembly.Module(readFileSync(wasmPath));
    const instance = new WebAssembly.Instance(module, { "./schema_engine_bg.js": engineBg as never });
    engineBg.__wbg_set_wasm(instance.exports);
    (instance.exports as { __wbindgen_start?: () => void }).__wbindgen_start?.();
    wasmReady = true;
  }
  return engineBg;
}

export function readMigrations(provider: Provider): MigrationList {
  const baseDir = migrationsDir(provider);
  const dirs = existsSync(baseDir)
    ? readdirSync(baseDir, { withFileTypes: true })
        .filter((d) => d.isDirectory())
        .map((d) => d.name)
        .sort()
    : [];
  const lockPath = path.join(baseDir, "migration_lock.toml");
  return {
    baseDir,
    lockfile: { path: "migration_lock.toml", content: existsSync(lockPath) ? readFileSync(lockPath, "utf8") : null },
    shadowDbInitScript: "",
    migrationDirectories: dirs.map((name) => {
      const file = path.join(baseDir, name, "migration.sql");
      return {
        path: name,
        migrationFile: {
          path: "migration.sql",
          content: existsSync(file) ? { tag: "ok" as const, value: readFileSync(file, "utf8") } : { tag: "error" as const, value: `${file} is missing` },
        },
      };
    }),
  };
}

/** better-sqlite3 runs one statement per call; the engine sends a whole migration at once. */
function scriptTolerant(adapter: SqlDriverAdapter): SqlDriverAdapter {
  return new Proxy(adapter, {
    get(target, prop, receiver) {
      if (prop === "executeRaw") {
        return async (query: { sql: string; args: unknown[] }) => {
          try {
            return await target.executeRaw(query as never);
          } catch (err) {
            if (query.args.length > 0) throw err;
            await target.executeScript(query.sql);
            return 0;
          }
        };
      }
      const value = Reflect.get(target, prop, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

function sqliteFactory(file: string): SqlMigrationAwareDriverAdapterFactory {
  const main = new PrismaBetterSqlite3({ url: file, timeout: 10_000 });
  return {
    provider: "sqlite",
    adapterName: main.adapterName,
    connect: () => main.connect(),
    connectToShadowDb: async () => scriptTolerant(await new PrismaBetterSqlite3({ url: ":memory:" }).connect()),
  };
}

/**
 * The engine reads pg_catalog columns of type "char" (OID 18), which the pg adapter cannot map;
 * they hold one ASCII letter, so report them as text.
 */
function charAsText<T extends object>(adapter: T): T {
  const io = adapter as unknown as { performIO: (q: unknown) => Promise<{ fields: { dataTypeID: number }[] }> };
  const original = io.performIO.bind(adapter);
  io.performIO = async (q) => {
    const res = await original(q);
    for (const f of res.fields) if (f.dataTypeID === 18) f.dataTypeID = 25;
    return res;
  };
  return adapter;
}

/**
 * The pg adapter runs a migration script by splitting it at every ";", which cuts a function body
 * in two (`AS $$ BEGIN …; …; END $$`, as in the VendorApp revision trigger); PostgreSQL's simple
 * query protocol takes the whole script at once, as `prisma migrate deploy` sends it.
 */
function wholeScripts<T extends object>(adapter: T): T {
  const a = adapter as unknown as { executeScript: (script: string) => Promise<void>; underlyingDriver: () => { query: (sql: string) => Promise<unknown> } };
  a.executeScript = async (script) => {
    await a.underlyingDriver().query(script);
  };
  return adapter;
}

function postgresFactory(url: string): SqlMigrationAwareDriverAdapterFactory {
  const main = new PrismaPg({ connectionString: url });
  return {
    provider: "postgres",
    adapterName: main.adapterName,
    connect: async () => wholeScripts(charAsText(await main.connect())),
    // A throwaway database on the same server, dropped when its pool closes.
    connectToShadowDb: async () => {
      const name = `tickethub_shadow_${process.pid}_${Date.now()}`;
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      await admin.query(`CREATE DATABASE "${name}"`);
      await admin.end();
      const u = new URL(url);
      const shadow = new PrismaPg({
        host: u.hostname,
        port: Number(u.port || 5432),
        user: decodeURIComponent(u.username),
        password: decodeURIComponent(u.password),
        database: name,
      });
      const adapter = wholeScripts(charAsText(await shadow.connect()));
      return new Proxy(adapter, {
        get(target, prop, receiver) {
          if (prop === "dispose") {
            return async () => {
              await target.dispose();
              const a = new pg.Client({ connectionString: url });
              await a.connect();
              await a.query(`DROP DATABASE IF EXISTS "${name}"`);
              await a.end();
            };
          }
          const value = Reflect.get(target, prop, receiver);
          return typeof value === "function" ? value.bind(target) : value;
        },
      });
    },
  };
}

export function providerOf(url: string): Provider {
  return url.startsWith("file:") ? "sqlite" : "postgresql";
}

async function withEngine<T>(url: string, fn: (engine: SchemaEngine) => Promise<T>): Promise<T> {
  const { SchemaEngine } = loadEngine();
  const inner = providerOf(url) === "sqlite" ? sqliteFactory(url.slice("file:".length)) : postgresFactory(url);
  // The engine does not close what it opened; track the connections and close them afterwards.
  const opened: SqlDriverAdapter[] = [];
  const factory: SqlMigrationAwareDriverAdapterFactory = {
    provider: inner.provider,
    adapterName: inner.adapterName,
    connect: async () => {
      const a = await inner.connect();
      opened.push(a);
      return a;
    },
    connectToShadowDb: () => inner.connectToShadowDb(),
  };
  const bound = bindMigrationAwareSqlAdapterFactory(factory);
  // The engine reports a driver failure only as "External error id#N"; the registry holds the real one.
  const explain = (err: unknown): Error => {
    const id = /External error id#(\d+)/.exec(String((err as Error)?.message ?? err))?.[1];
    const record = id ? bound.errorRegistry.consumeError(Number(id)) : undefined;
    const inner = record?.error as { message?: string; cause?: unknown } | undefined;
    if (!inner) return err instanceof Error ? err : new Error(String(err));
    return new Error(`database: ${inner.message ?? JSON.stringify(inner)}`, { cause: inner });
  };
  let engine: SchemaEngine;
  try {
    engine = await SchemaEngine.new({ datamodels: undefined }, () => {}, bound);
  } catch (err) {
    await Promise.all(opened.map((a) => a.dispose().catch(() => {})));
    throw explain(err);
  }
  try {
    return await fn(engine);
  } catch (err) {
    throw explain(err);
  } finally {
    engine.free();
    await Promise.all(opened.map((a) => a.dispose().catch(() => {})));
  }
}

const filters = { externalTables: [], externalEnums: [] };

/**
 * The SQLite file holds ciphertext, key hashes and sessions: readable by this user only, like
 * secret.key. Created 0600 before SQLite opens it (its -wal and -shm files take the same mode), and
 * an existing file from an older version is tightened.
 */
export function secureSqliteFile(file: string): void {
  const resolved = path.resolve(file);
  if (!existsSync(resolved)) closeSync(openSync(resolved, "a", 0o600));
  for (const f of [resolved, `${resolved}-wal`, `${resolved}-shm`]) if (existsSync(f)) chmodSync(f, 0o600);
}

/**
 * Applies every committed migration not yet recorded in `_prisma_migrations`. On PostgreSQL an
 * advisory lock makes instances that start together take turns.
 */
export async function applyMigrations(url: string): Promise<string[]> {
  const provider = providerOf(url);
  const apply = () =>
    withEngine(url, async (engine) => {
      const out = await engine.applyMigrations({ migrationsList: readMigrations(provider), filters });
      return out.appliedMigrationNames;
    });
  if (provider === "sqlite") {
    secureSqliteFile(url.slice("file:".length));
    return apply();
  }
  const lock = new pg.Client({ connectionString: url });
  await lock.connect();
  try {
    await lock.query("SELECT pg_advisory_lock(7283641)");
    return await apply();
  } finally {
    await lock.query("SELECT pg_advisory_unlock(7283641)").catch(() => {});
    await lock.end();
  }
}

/** SQL that takes the committed migration history to the current models ("" when in sync). */
export async function diffModels(url: string): Promise<string> {
  const provider = providerOf(url);
  const files = [path.join(root, "prisma", provider, "schema.prisma"), path.join(root, "prisma", "models.prisma")];
  return withEngine(url, async (engine) => {
    const history = readMigrations(provider);
    const res = await engine.diff({
      from: history.migrationDirectories.length ? { tag: "migrations", ...history } : { tag: "empty" },
      to: { tag: "schemaDatamodel", files: files.map((f) => ({ path: f, content: readFileSync(f, "utf8") })) },
      script: true,
      exitCode: null,
      filters,
    });
    const sql = res.stdout ?? "";
    return sql.includes("This is an empty migration") ? "" : sql;
  });
}
