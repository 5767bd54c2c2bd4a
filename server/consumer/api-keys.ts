import "server-only";
import { createHash, randomBytes } from "node:crypto";
import type { ApiKeyView } from "@/lib/api-key-view";
import { now, nowMs } from "../clock";
import { getDb } from "../db";
import { AppError, DatabaseUnavailableError, errorLine, notFound, isDatabaseUnreachable } from "../errors";
import { credentialsChanged, keyRevoked, onCredentialsChanged } from "../events";
import { staleKey } from "../fast/cache-store";
import { SingleFlight } from "../single-flight";

export const keyHashOf = (key: string) => createHash("sha256").update(key).digest("hex");

/** The key in `Authorization: Bearer thk_…`, or null when the header is missing or malformed. */
export function bearerKey(header: string | null | undefined): string | null {
  const m = /^Bearer\s+(thk_[0-9a-f]{8}_[A-Za-z0-9_-]{43})$/.exec((header ?? "").trim());
  return m ? m[1]! : null;
}

/**
 * Last use is kept to the minute: a read should not cost a write each time. Stamped on the
 * database's clock (clock.ts), as every instance's revocations and uses are: hosts' clocks may disagree.
 */
export function lastUseIsStale(lastUsedAt: Date | null, at = nowMs()): boolean {
  return !lastUsedAt || at - lastUsedAt.getTime() > 60_000;
}

export async function touchKey(id: string, at = now()): Promise<void> {
  await getDb().apiKey.update({ where: { id }, data: { lastUsedAt: at } });
}

export function parseScope(json: string): Set<string> {
  return new Set(parseRefs(json));
}

export class ApiKeyInputError extends AppError {
  constructor(field: string, message: string) {
    super("invalid", "Invalid API key", message, { field });
  }
}

function parseRefs(json: string): string[] {
  try {
    const v: unknown = JSON.parse(json);
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
  } catch {
    return [];
  }
}

export async function listApiKeys(): Promise<ApiKeyView[]> {
  const db = getDb();
  const [keys, apps] = await Promise.all([db.apiKey.findMany({ orderBy: { createdAt: "desc" } }), db.vendorApp.findMany()]);
  const byId = new Map(apps.map((a) => [a.id, a]));
  return keys.map((k) => ({
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    apps: parseRefs(k.appRefs).flatMap((ref) => {
      const a = byId.get(ref);
      return a ? [{ id: a.id, vendor: a.vendor, appId: a.appId, name: a.name }] : [];
    }),
    createdBy: k.createdBy,
    createdAt: k.createdAt.toISOString(),
    lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
    revokedAt: k.revokedAt?.toISOString() ?? null,
  }));
}

/** Creates a key; the plain key is returned this once and stored only as its SHA-256. */
export async function createApiKey({
  input,
  actor,
}: {
  input: { name: string; appRefs: string[] };
  actor: string;
}): Promise<{ key: string; view: ApiKeyView }> {
  const db = getDb();
  const refs = [...new Set(input.appRefs)];
  const found = await db.vendorApp.findMany({ where: { id: { in: refs } } });
  const missing = refs.filter((r) => !found.some((a) => a.id === r));
  if (missing.length) throw new ApiKeyInputError("appRefs", `no app with id ${missing.join(", ")}`);
  const key = `thk_${randomBytes(4).toString("hex")}_${randomBytes(32).toString("base64url")}`;
  const prefix = key.slice(0, 12);
  const row = await db.$transaction(async (tx) => {
    const created = await tx.apiKey.create({ data: { name: input.name, prefix, keyHash: keyHashOf(key), appRefs: JSON.stringify(refs), createdBy: actor } });
    await tx.auditEvent.create({
      data: {
        at: now(),
        actor,
        action: "apikey.created",
        target: created.id,
        outcome: "ok",
        detail: `${input.name} (${prefix}…) for ${found.map((a) => a.appId).join(", ")}`,
      },
    });
    return created;
  });
  const view = (await listApiKeys()).find((k) => k.id === row.id)!;
  return { key, view };
}

export async function revokeApiKey({ id, actor }: { id: string; actor: string }): Promise<ApiKeyView> {
  const db = getDb();
  const row = await db.apiKey.findUnique({ where: { id } });
  if (!row) throw notFound("API key", id);
  if (!row.revokedAt) {
    await db.$transaction([
      db.apiKey.update({ where: { id }, data: { revokedAt: now() } }),
      db.auditEvent.create({ data: { at: now(), actor, action: "apikey.revoked", target: id, outcome: "ok", detail: `${row.name} (${row.prefix}…)` } }),
    ]);
    // Every copy (this process's read cache and list, the read plane's cache over IPC) drops it now,
    // and the memory kept for an outage refuses it from now on.
    keyRevoked(row.keyHash);
    credentialsChanged();
  }
  const view = (await listApiKeys()).find((k) => k.id === id);
  if (!view) throw notFound("API key", id);
  return view;
}

export type KeyHolder = { id: string; name: string; prefix: string; appRefs: Set<string> };

/**
 * The holder of the key in an `Authorization: Bearer thk_…` header, or why there is none (the
 * sentence a 401 says). While the database is down, the keys this instance last confirmed still
 * open the door; any other key is a DatabaseUnavailableError.
 */
export async function keyHolderFor(authorization: string | null): Promise<KeyHolder | { refused: string }> {
  const key = bearerKey(authorization);
  if (!key) return { refused: "Send Authorization: Bearer <API key> (an admin creates keys under Users & keys)." };
  const hash = keyHashOf(key);
  let row;
  try {
    row = await keyRow(hash);
  } catch (err) {
    if (!isDatabaseUnreachable(err)) throw err;
    const known = staleKey(hash);
    if (!known) throw new DatabaseUnavailableError("this API key was not confirmed before");
    if (known.revoked) return { refused: `This API key (${known.prefix}…) was revoked.` };
    return { id: known.id, name: known.name, prefix: known.prefix, appRefs: known.scope };
  }
  if (!row) return { refused: "This API key is not known." };
  if (row.revokedAt) return { refused: `This API key (${row.prefix}…) was revoked on ${row.revokedAt.toISOString()}.` };
  const lastUse = Math.max(row.lastUsedAt?.getTime() ?? 0, touched.get(row.id) ?? 0);
  if (lastUseIsStale(lastUse ? new Date(lastUse) : null)) {
    // Noted before the write: the reads arriving meanwhile do not each write the same row again.
    if (touched.size >= 10_000) touched.clear();
    touched.set(row.id, nowMs());
    await touchKey(row.id).catch((err: unknown) => console.warn(`[api-keys] last use not recorded: ${errorLine(err)}`));
  }
  return { id: row.id, name: row.name, prefix: row.prefix, appRefs: parseScope(row.appRefs) };
}

/**
 * When this process last recorded each key's use (wall-clock ms). Without it, a herd of reads
 * with a key not used for a minute each saw the old `lastUsedAt` and each wrote the same row: on
 * PostgreSQL a thousand updates queued on one row lock and held the connection pool meanwhile.
 */
const touched = new Map<string, number>();

/**
 * Lookups of one key in flight in this process: concurrent requests with the same key make one
 * query. A lookup begun before a revocation here is not joined after it (the change drops them).
 */
const lookups = new SingleFlight<Awaited<ReturnType<typeof findKeyRow>>>();
onCredentialsChanged(() => lookups.forget());

function findKeyRow(hash: string) {
  return getDb().apiKey.findUnique({ where: { keyHash: hash } });
}

function keyRow(hash: string) {
  return lookups.run(hash, () => findKeyRow(hash));
}
