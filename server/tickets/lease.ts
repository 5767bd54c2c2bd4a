import "server-only";
import { countLeaseTakeover } from "../metrics/registry";
import { getConfig } from "../config";
import { now, simulatedMs } from "../clock";
import type { Db } from "../db";

/**
 * A refresh lease: one row per credential, taken by inserting it (the primary key makes that
 * atomic on SQLite and PostgreSQL alike); an expired row is deleted first so a crashed holder
 * is taken over. The TTL is wall-clock time, whatever the test time scale.
 */
export async function acquireLease(db: Db, credentialId: string, owner: string): Promise<boolean> {
  const at = now();
  const stale = await db.refreshLease.findUnique({ where: { credentialId } });
  if (stale && stale.expiresAt < at) {
    const removed = await db.refreshLease.deleteMany({ where: { credentialId, owner: stale.owner, expiresAt: { lt: at } } });
    if (removed.count) {
      countLeaseTakeover();
      console.warn(`[lease] ${owner.split(":")[0]} took over the expired refresh lease of ${stale.owner.split(":")[0]} on ${credentialId}`);
    }
  }
  try {
    await db.refreshLease.create({
      data: { credentialId, owner, acquiredAt: at, expiresAt: new Date(at.getTime() + simulatedMs(getConfig().leaseTtlMs)) },
    });
    return true;
  } catch (err) {
    if ((err as { code?: string }).code === "P2002") return false;
    throw err;
  }
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
