import "server-only";
import { maskValue } from "@/lib/mask";
import type { CredentialHistory } from "@/lib/credential-view";
import { now } from "../clock";
import { getConfig } from "../config";
import { decrypt } from "../crypto";
import { getDb, type Db } from "../db";
import { IN_BATCH, inBatches, yieldToLoop } from "../db-batch";
import { notFound } from "../errors";
import { contentEtag } from "../http/etag";

/**
 * Every version a credential has held (newest first, values masked, with the token each ticket
 * was fetched with) and every upstream call made for it, paged by `before`.
 */
export async function credentialHistory({ input }: { input: { credentialId: string; limit: number; before?: Date } }): Promise<CredentialHistory> {
  const { credentialId, ...opts } = input;
  const db = getDb();
  const slot = await db.credential.findUnique({ where: { id: credentialId } });
  if (!slot) throw notFound("credential", credentialId);
  const [versions, calls] = await Promise.all([
    db.credentialVersion.findMany({
      where: { credentialId, ...(opts.before ? { fetchedAt: { lt: opts.before } } : {}) },
      orderBy: { generation: "desc" },
      take: opts.limit,
    }),
    db.upstreamCall.findMany({
      where: { credentialId, ...(opts.before ? { startedAt: { lt: opts.before } } : {}) },
      // Ties by id: the same rows in the same order at every read (the answer's ETag names them).
      orderBy: [{ startedAt: "desc" }, { id: "desc" }],
      take: opts.limit,
    }),
  ]);
  const parents = await db.credentialVersion.findMany({
    where: { id: { in: versions.map((v) => v.parentVersionId).filter((id): id is string => id !== null) } },
    select: { id: true, generation: true },
  });
  return {
    serverTime: now().toISOString(),
    credentialId,
    retentionDays: getConfig().retentionDays,
    versions: versions.map((v) => ({
      id: v.id,
      generation: v.generation,
      current: v.id === slot.currentVersionId,
      maskedValue: maskValue(decrypt(v.valueEnc)),
      fetchedAt: v.fetchedAt.toISOString(),
      expiresIn: v.expiresIn,
      expiresAt: v.expiresAt.toISOString(),
      vendorExpireTime: v.vendorExpireTime,
      supersededAt: v.supersededAt?.toISOString() ?? null,
      validUntil: v.validUntil?.toISOString() ?? null,
      parent: v.parentVersionId ? { id: v.parentVersionId, generation: parents.find((p) => p.id === v.parentVersionId)?.generation ?? null } : null,
    })),
    calls: calls.map((c) => ({
      id: c.id,
      endpoint: c.endpoint,
      method: c.method,
      startedAt: c.startedAt.toISOString(),
      latencyMs: c.latencyMs,
      httpStatus: c.httpStatus,
      vendorCode: c.vendorCode,
      vendorMessage: c.vendorMessage,
      errorClass: c.errorClass,
    })),
  };
}

/**
 * The ETag of a credential's history: of what it shows, not of the moment it was read (`serverTime`,
 * sent in x-server-time with a 304), so an unchanged history is confirmed without a body. Every open
 * credential page reads its history again at every change to any credential; it changes only when
 * this one is refreshed or called.
 */
export function historyEtag({ serverTime: _at, ...shown }: CredentialHistory): string {
  return contentEtag(shown);
}

/**
 * Deletes what is older than the retention setting: upstream calls, audit events, NONCE tickets
 * issued before it (each lives minutes; the audit keeps who issued it for as long), and versions
 * that are neither current, nor still inside an overlap window, nor the token a current ticket
 * was fetched with. Returns how many rows went.
 */
export async function pruneHistory(db: Db = getDb(), at: Date = now()): Promise<{ versions: number; calls: number; audit: number; nonces: number }> {
  const cutoff = new Date(at.getTime() - getConfig().retentionDays * 86_400_000);
  const slots = await db.credential.findMany({ select: { currentVersionId: true } });
  const currentIds = slots.map((s) => s.currentVersionId).filter((id): id is string => id !== null);
  const currentParents = await inBatches(currentIds, (ids) => db.credentialVersion.findMany({ where: { id: { in: ids } }, select: { parentVersionId: true } }));
  const keep = new Set([...currentIds, ...currentParents.map((p) => p.parentVersionId).filter((id): id is string => id !== null)]);
  // All four to their end, even when one fails: the run is said to be over only when nothing deletes any more.
  const [versions, calls, audit, nonces] = settled(
    await Promise.allSettled([
      pruneVersions(db, cutoff, keep),
      pruneOlder(
        (take) => db.upstreamCall.findMany({ where: { startedAt: { lt: cutoff } }, select: { id: true }, orderBy: { startedAt: "asc" }, take }),
        (ids) => db.upstreamCall.deleteMany({ where: { id: { in: ids } } }),
      ),
      pruneOlder(
        (take) => db.auditEvent.findMany({ where: { at: { lt: cutoff } }, select: { id: true }, orderBy: { at: "asc" }, take }),
        (ids) => db.auditEvent.deleteMany({ where: { id: { in: ids } } }),
      ),
      // Issued at the QA desk, they add up over the months, and every change stream counts them
      // (server/live/changes.ts EXTRA_SQL).
      pruneOlder(
        (take) => db.nonceTicket.findMany({ where: { issuedAt: { lt: cutoff } }, select: { id: true }, orderBy: { issuedAt: "asc" }, take }),
        (ids) => db.nonceTicket.deleteMany({ where: { id: { in: ids } } }),
      ),
    ]),
  );
  return { versions, calls, audit, nonces };
}

/** The values, or the first failure thrown. */
function settled<T extends unknown[]>(results: { [K in keyof T]: PromiseSettledResult<T[K]> }): T {
  const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) throw failed.reason;
  return results.map((r) => (r as PromiseFulfilledResult<unknown>).value) as T;
}

/**
 * Deletes the rows `older` finds, a batch at a time, the event loop running between batches. With
 * thousands of apps an hour of history is tens of thousands of vendor calls and audit rows, and
 * SQLite answers on the event loop: one statement deleting them all (and, for the vendor calls,
 * searching the whole history for them: there was no index on `startedAt` alone) held the
 * scheduler's timers and every request for as long as it took. `older` orders by the time it
 * filters on: with `take` alone Prisma orders by id, and SQLite then walks the whole table in id
 * order (every hour, when nothing is old enough) instead of the time index.
 */
async function pruneOlder(older: (take: number) => Promise<{ id: string }[]>, remove: (ids: string[]) => Promise<{ count: number }>): Promise<number> {
  let deleted = 0;
  for (;;) {
    const rows = await older(IN_BATCH);
    if (rows.length === 0) return deleted;
    const { count } = await remove(rows.map((r) => r.id));
    // Another instance deleted this batch first: it is pruning the rest too, or nothing deletes here.
    if (count === 0) return deleted;
    deleted += count;
    await yieldToLoop();
  }
}

/**
 * Deletes the versions that ended before `cutoff`, except those in `keep`, a batch at a time (the
 * event loop runs between batches). The kept ids never go into a statement: with thousands of apps
 * there are more of them than the database takes parameters ("not in" thousands of ids failed, and
 * no history was ever deleted). The batches are found by the index on (expiresAt, id), in that
 * order, each after the last one's final row (the kept ones stay behind it): a version has ended
 * only once its expiry has passed. Until 2026-12-04 they were paged by id alone, and each run read
 * every version ever kept to find the old ones (the whole table in one statement when none was
 * old enough, every hour, on the Next server's event loop: millions of rows with thousands of apps
 * over the 30 days' retention).
 */
async function pruneVersions(db: Db, cutoff: Date, keep: ReadonlySet<string>): Promise<number> {
  const ended = { expiresAt: { lt: cutoff }, OR: [{ validUntil: null }, { validUntil: { lt: cutoff } }] };
  let deleted = 0;
  let after: { expiresAt: Date; id: string } | undefined;
  for (;;) {
    const rows = await db.credentialVersion.findMany({
      // The lower bound is what the index starts at (on PostgreSQL the entries of rows deleted
      // this run stay in it until a vacuum: without it each batch would walk them all again).
      where: after
        ? {
            AND: [
              ended,
              { expiresAt: { gte: after.expiresAt } },
              { OR: [{ expiresAt: { gt: after.expiresAt } }, { expiresAt: after.expiresAt, id: { gt: after.id } }] },
            ],
          }
        : ended,
      select: { id: true, expiresAt: true },
      orderBy: [{ expiresAt: "asc" }, { id: "asc" }],
      take: IN_BATCH,
    });
    if (rows.length === 0) return deleted;
    after = rows.at(-1)!;
    const ids = rows.map((r) => r.id).filter((id) => !keep.has(id));
    if (ids.length) deleted += (await db.credentialVersion.deleteMany({ where: { id: { in: ids }, ...ended } })).count;
    await yieldToLoop();
  }
}
