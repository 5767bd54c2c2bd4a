import "server-only";
import { getConfig } from "../config";
import { now } from "../clock";
import type { Db } from "../db";

/**
 * A refresh lease: one row per credential, taken by inserting it (the primary key makes that
 * atomic on SQLite and PostgreSQL alike); an expired row is deleted first so a crashed holder
 * is taken over.
 */
export async function acquireLease(db: Db, credentialId: string, owner: string): Promise<boolean> {
  const at = now();
  await db.refreshLease.deleteMany({ where: { credentialId, expiresAt: { lt: at } } });
  try {
    await db.refreshLease.create({
      data: { credentialId, owner, acquiredAt: at, expiresAt: new Date(at.getTime() + getConfig().leaseTtlMs) },
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

/** Waits until nobody holds the lease (or it expires); returns false on timeout. */
export async function waitForLease(db: Db, credentialId: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const lease = await db.refreshLease.findUnique({ where: { credentialId } });
    if (!lease || lease.expiresAt < now()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}
