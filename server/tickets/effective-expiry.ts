import "server-only";
import { isVendor, type CredentialKind } from "@/lib/credential-kinds";
import type { Db } from "../db";
import { policyFor } from "./policy";
import { inBatches } from "../db-batch";

/** What a stored value's life is made of (a CredentialVersion row, or a NONCE with its token). */
export type Lived = { expiresAt: Date; validUntil?: Date | null };

/** When a value stops being accepted on its own: its expiry, or once superseded the end of its overlap window. */
export function endOf(v: Lived): Date {
  return v.validUntil && v.validUntil < v.expiresAt ? v.validUntil : v.expiresAt;
}

/**
 * When a value really stops working. FaceID's documents say a ticket dies with the token that
 * fetched it ("access_token 失效时，该 access_token 生成的 ticket 都失效"), so such a ticket ends at
 * the earlier of its own end and its token's: the token's expiry while it is current, rotation +
 * its overlap (60 s) once superseded. `token` is null for a value that lives on its own; a ticket
 * whose token is known to be gone passes `"gone"` and is dead.
 */
export function effectiveExpiry(own: Lived, token: Lived | "gone" | null): Date {
  const mine = endOf(own);
  if (token === null) return mine;
  if (token === "gone") return new Date(0);
  const theirs = endOf(token);
  // biome-ignore lint/complexity/useMathMinMax: these are Dates; Math.min would return a number
  return theirs < mine ? theirs : mine;
}

/** Does this kind of ticket die with its token (FaceID SIGN)? The policy says so: it is refreshed with it. */
export function diesWithToken(vendor: string, kind: string): boolean {
  return isVendor(vendor) && policyFor(vendor, kind as CredentialKind).refreshWithParent;
}

type VersionLike = { id: string; expiresAt: Date; validUntil: Date | null; parentVersionId: string | null };

/**
 * The effective expiry of several stored versions at once (one query for their tokens), keyed by
 * version id: what the overview, Check, the consumer API and the proxy all show and serve.
 */
export async function effectiveExpiries(db: Db, items: { vendor: string; kind: string; version: VersionLike }[]): Promise<Map<string, Date>> {
  const capped = items.filter((i) => i.version.parentVersionId && diesWithToken(i.vendor, i.kind));
  const parentIds = [...new Set(capped.map((i) => i.version.parentVersionId!))];
  const parents = await inBatches(parentIds, (ids) => db.credentialVersion.findMany({ where: { id: { in: ids } } }));
  const byId = new Map(parents.map((p) => [p.id, p]));
  const out = new Map<string, Date>();
  for (const { vendor, kind, version } of items) {
    const pid = version.parentVersionId;
    const token = pid && diesWithToken(vendor, kind) ? (byId.get(pid) ?? "gone") : null;
    out.set(version.id, effectiveExpiry(version, token));
  }
  return out;
}

/** The effective expiry of one stored version. */
export async function effectiveExpiryOf(db: Db, vendor: string, kind: string, version: VersionLike): Promise<Date> {
  return (await effectiveExpiries(db, [{ vendor, kind, version }])).get(version.id)!;
}
