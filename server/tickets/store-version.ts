import "server-only";
import { randomUUID } from "node:crypto";
import type { VendorApp } from "@/generated/sqlite/client";
import { VENDOR_KINDS, type CredentialKind, type VendorId } from "@/lib/credential-kinds";
import { sentence } from "@/lib/sentence";
import { now } from "../clock";
import { encrypt, valueHash } from "../crypto";
import type { Db } from "../db";
import type { Fetched } from "../vendors/types";
import { nextRefreshAt, policyFor, type PolicyOverrides } from "./policy";
import { liftQuotaPause } from "./quota-pause";
import type { AuditNote } from "./refresh-types";
import { english } from "./sentences";

/** Another writer stored a newer generation while this fetch was in flight. */
export class GenerationConflict extends Error {}

/**
 * Stores a fetched value as the credential's next generation, unless another writer got there
 * first (GenerationConflict), and schedules the next refresh. Answers when that is, the tickets that
 * die with a renewed token (now due), for the caller to fetch once it has let go of its lease, and
 * how many of the app's credentials paused for the endpoint's quota went back to their schedule.
 */
export async function storeVersion(
  db: Db,
  args: {
    slot: { id: string; generation: number; currentVersionId: string | null; status: string };
    app: Pick<VendorApp, "id" | "vendor" | "tokenVariant" | "tokenPath">;
    vendor: VendorId;
    kind: CredentialKind;
    fetched: Fetched;
    fetchedAt: Date;
    dueAt: Date | null;
    parentVersionId: string | null;
    reason: string;
    overrides: PolicyOverrides;
    /** The caller's audit row, written in the same transaction as the value. */
    audit?: AuditNote;
    /**
     * The refresh lease the caller holds (its owner), released in the same transaction: the value
     * and the end of "refreshing" become visible at once, one change for the stamps and the
     * dashboard (server/live/changes.ts), not a value still "refreshing" and then another change.
     * (A failure is recorded first and its lease released after: a waiter refused the lease compares
     * the failure's time with the holder's row, refresh-credential.ts holderFailed.)
     */
    leaseOwner?: string;
  },
): Promise<{ boundTickets: string[]; nextRefreshAt: Date; lifted: number }> {
  const { slot, fetched, fetchedAt } = args;
  const policy = policyFor(args.vendor, args.kind, args.overrides);
  const expiresAt = new Date(fetchedAt.getTime() + fetched.expiresIn * 1000);
  const next = nextRefreshAt(policy, fetchedAt, fetched.expiresIn, Math.random, args.dueAt);
  const hash = valueHash(fetched.value);
  // Read before the transaction, so that it opens with its compare-and-set write: on SQLite a
  // transaction that reads first and writes later can fail with SQLITE_BUSY instead of waiting.
  const prev = slot.currentVersionId
    ? await db.credentialVersion.findUnique({ where: { id: slot.currentVersionId }, select: { id: true, valueHash: true, expiresAt: true } })
    : null;
  // Every way out of the transaction that stores something releases the caller's lease with it.
  const release = async (tx: Tx) => {
    if (args.leaseOwner) await tx.refreshLease.deleteMany({ where: { credentialId: slot.id, owner: args.leaseOwner } });
  };
  const stored = await db.$transaction(async (tx): Promise<{ boundTickets: string[] }> => {
    const scheduled = {
      status: "active",
      lastError: null,
      lastErrorClass: null,
      lastErrorAt: null,
      consecutiveFailures: 0,
      nextRefreshAt: next,
      nextRefreshReason: english(sentence("reason.scheduled", { policy: policy.sentence })),
    };
    if (args.kind === "access_token" && slot.status === "failing") {
      // What failed for want of a token (fetch-with-parent.ts: "access token: …", with the token's
      // class, e.g. a configuration error, which stops refreshes) is due now that there is one, be
      // it new or the one held (the vendor may hand that back). Only a token that was failing can
      // have left such failures (no query otherwise).
      await tx.credential.updateMany({
        where: { appRef: args.app.id, kind: { not: "access_token" }, status: "failing", lastError: { startsWith: "access token:" } },
        data: { nextRefreshAt: now(), nextRefreshReason: english(sentence("reason.tokenRotated")) },
      });
    }
    if (prev && prev.valueHash === hash) {
      // The vendor handed back the value we hold (Feishu with ≥30 min left, stable_token): no new version.
      const same = await tx.credential.updateMany({ where: { id: slot.id, generation: slot.generation }, data: scheduled });
      if (same.count !== 1) throw new GenerationConflict();
      await writeAudit(tx, slot.id, args.audit, slot.generation);
      await release(tx);
      return { boundTickets: [] };
    }
    // Compare-and-set on the generation: a slower, older fetch never overwrites a newer value. The
    // version's id is chosen here, so the same write points the credential at it (nobody sees the
    // pointer before the version: both commit together). Letters and digits only, like the
    // database's own ids: the routes that name a version accept nothing else (reveal's versionId).
    const versionId = randomUUID().replaceAll("-", "");
    const won = await tx.credential.updateMany({
      where: { id: slot.id, generation: slot.generation },
      data: { ...scheduled, generation: slot.generation + 1, currentVersionId: versionId },
    });
    if (won.count !== 1) throw new GenerationConflict();
    // Only the key read back, and updateMany below nothing (a bare create or update returns the whole
    // row, the encrypted value with it). Not createMany: Prisma never caches its query plan (server/apps/vendor-context.ts).
    await tx.credentialVersion.create({
      select: { id: true },
      data: {
        id: versionId,
        credentialId: slot.id,
        generation: slot.generation + 1,
        valueEnc: encrypt(fetched.value),
        valueHash: hash,
        fetchedAt,
        expiresIn: fetched.expiresIn,
        expiresAt,
        vendorExpireTime: fetched.vendorExpireTime ?? null,
        parentVersionId: args.parentVersionId,
      },
    });
    await writeAudit(tx, slot.id, args.audit, slot.generation + 1);
    await release(tx);
    if (prev) {
      const overlapEnd = fetchedAt.getTime() + policy.overlapSeconds * 1000;
      await tx.credentialVersion.updateMany({
        where: { id: prev.id },
        data: { supersededAt: fetchedAt, validUntil: new Date(Math.min(overlapEnd, prev.expiresAt.getTime())) },
      });
    }
    if (args.kind === "access_token") {
      // Tickets that die with their token are due now, fetched with the new one.
      const bound = VENDOR_KINDS[args.vendor].filter((k) => k.parent === "access_token" && policyFor(args.vendor, k.kind).refreshWithParent);
      if (bound.length) {
        const where = { appRef: args.app.id, kind: { in: bound.map((k) => k.kind) } };
        // Due from now, when the new token exists (not from when its fetch began): the cascade starts them at once.
        await tx.credential.updateMany({ where, data: { nextRefreshAt: now(), nextRefreshReason: english(sentence("reason.tokenRotated")) } });
        return { boundTickets: (await tx.credential.findMany({ where, select: { id: true } })).map((c) => c.id) };
      }
    }
    return { boundTickets: [] };
  });
  const lifted = await liftQuotaPause(db, { slotId: slot.id, app: args.app, vendor: args.vendor, kind: args.kind, overrides: args.overrides });
  return { ...stored, nextRefreshAt: next, lifted };
}

type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

/** The refresh's audit row, in the transaction of the change it records. */
export async function writeAudit(
  tx: Pick<Tx, "auditEvent">,
  credentialId: string,
  audit: AuditNote | undefined,
  generation: number,
  failure?: { failure: string; message: string },
) {
  if (!audit) return;
  await tx.auditEvent.create({
    data: {
      at: now(),
      actor: audit.actor,
      action: audit.action,
      target: audit.target ?? credentialId,
      outcome: failure ? `failed: ${failure.failure}` : "refreshed",
      detail: `${audit.describe(generation)}${failure ? `: ${failure.message}` : ""}`,
    },
  });
}
