import "server-only";
import { errorLine } from "../errors";
import { countLeaseTakeover } from "../metrics/registry";
import { getConfig } from "../config";
import { now, simulatedMs } from "../clock";
import type { Db } from "../db";

/**
 * A refresh lease: one row per credential, taken by inserting it (the primary key makes that
 * atomic on SQLite and PostgreSQL alike); when a row is there and has expired, it is deleted and the
 * insert tried once more, so a crashed holder is taken over. The insert comes first: a free lease,
 * the usual case, costs one statement. The TTL is wall-clock time, whatever the test time scale;
 * times are the database's (clock.ts), so instances whose clocks disagree still agree on when a lease lapsed.
 */
export async function acquireLease(db: Db, credentialId: string, owner: string): Promise<boolean> {
  const at = now();
  if (await insertLease(db, credentialId, owner, at)) return true;
  const stale = await db.refreshLease.findUnique({ where: { credentialId } });
  if (!stale) return insertLease(db, credentialId, owner, at);
  if (stale.expiresAt >= at) return false;
  const removed = await db.refreshLease.deleteMany({ where: { credentialId, owner: stale.owner, expiresAt: { lt: at } } });
  if (removed.count) {
    countLeaseTakeover();
    console.warn(`[lease] ${instanceOf(owner)} took over the expired refresh lease of ${instanceOf(stale.owner)} on ${credentialId}`);
  }
  return insertLease(db, credentialId, owner, at);
}

/**
 * Inserts the lease row; false when one is there already. Only its key is read back (a bare create
 * returns the row); not createMany, whose query plan Prisma never caches (server/apps/vendor-context.ts).
 */
async function insertLease(db: Db, credentialId: string, owner: string, at: Date): Promise<boolean> {
  try {
    await db.refreshLease.create({
      select: { credentialId: true },
      data: {
        credentialId,
        owner,
        instance: instanceOf(owner),
        acquiredAt: at,
        heartbeatAt: at,
        expiresAt: new Date(at.getTime() + simulatedMs(getConfig().leaseTtlMs)),
      },
    });
    return true;
  } catch (err) {
    if ((err as { code?: string }).code === "P2002") return false;
    throw err;
  }
}

/** The instance part of an owner ("<instance>:<uuid>"). */
export function instanceOf(owner: string): string {
  const i = owner.lastIndexOf(":");
  return i > 0 ? owner.slice(0, i) : owner;
}

/**
 * While the holder lives it renews its lease (a heartbeat every third of the TTL, at most every
 * 5 s), so a slow vendor call never lets the lease lapse under a live holder (no second refresh
 * next to it); a holder that died stops renewing, and its lease lapses one TTL after its last beat.
 * Returns the function that stops the heartbeat.
 */
export function keepLeaseAlive(db: Db, credentialId: string, owner: string): () => void {
  const ttl = getConfig().leaseTtlMs;
  const timer = setInterval(() => {
    const at = now();
    db.refreshLease
      .updateMany({ where: { credentialId, owner }, data: { heartbeatAt: at, expiresAt: new Date(at.getTime() + simulatedMs(ttl)) } })
      .catch((err: unknown) => console.warn(`[lease] heartbeat of ${credentialId} failed: ${errorLine(err)}`));
  }, heartbeatEveryMs());
  timer.unref();
  return () => clearInterval(timer);
}

/** How often a live holder renews its lease (wall-clock ms). */
function heartbeatEveryMs(): number {
  return Math.min(5_000, Math.max(100, getConfig().leaseTtlMs / 3));
}

/** Whether a lease's holder has beaten recently (three missed beats: it is gone, or stuck). */
export function holderAlive(lease: { heartbeatAt: Date | null; acquiredAt: Date }, at: Date): boolean {
  const last = (lease.heartbeatAt ?? lease.acquiredAt).getTime();
  return at.getTime() - last <= simulatedMs(3 * heartbeatEveryMs());
}

/**
 * Frees every lease an earlier run of this instance left behind (a crash, a SIGKILL): whatever it
 * was fetching is not being fetched any more, and waiting out the TTL would only delay it.
 * Instance ids are unique (the default is host name and process id).
 */
export async function releaseLeasesOf(db: Db, instance: string): Promise<number> {
  const { count } = await db.refreshLease.deleteMany({ where: { instance } });
  if (count) console.log(`[lease] freed ${count} refresh lease${count === 1 ? "" : "s"} a previous run of ${instance} left behind`);
  return count;
}

export async function releaseLease(db: Db, credentialId: string, owner: string): Promise<void> {
  await db.refreshLease.deleteMany({ where: { credentialId, owner } });
}

/** Waits (wall clock) until nobody holds the lease or it has expired; false on timeout. */
export async function waitForLease(db: Db, credentialId: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const lease = await db.refreshLease.findUnique({ where: { credentialId } });
    if (!lease || lease.expiresAt < now()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}
