import "server-only";
import { faceidUserId } from "@/lib/faceid-user-id";
import { maskValue } from "@/lib/mask";
import type { NonceView } from "@/lib/nonce-view";
import { vendorContext } from "../apps/vendor-context";
import { now } from "../clock";
import { decrypt, encrypt, valueHash } from "../crypto";
import { getDb } from "../db";
import { AppError, notFound } from "../errors";
import { noncesChanged } from "../events";
import { serveCredential } from "../tickets/serve-credential";
import { effectiveExpiry } from "../tickets/effective-expiry";
import { refreshCredential } from "../tickets/refresh-credential";
import { fetchFaceidTicket } from "../vendors/faceid";
import { failureMessageOf, failureOf, VendorError } from "../vendors/types";

export class NonceInputError extends AppError {
  constructor(field: string, message: string, kind: "invalid" | "not-found" | "conflict" = "invalid") {
    super(kind, "Cannot issue a NONCE ticket", message, { field });
  }
}

export class NonceVendorError extends AppError {
  constructor(
    readonly failure: string,
    message: string,
  ) {
    // The database, not FaceID: a 503 to try again, and no claim about what FaceID did (the call may have gone through).
    const database = failure === "database";
    super(database ? "unavailable" : "upstream", database ? "Database error while issuing a NONCE ticket" : "FaceID did not issue a NONCE ticket", message, {
      extra: { failure },
      retryAfterSeconds: database ? 5 : undefined,
    });
  }
}

type NonceRow = {
  id: string;
  userId: string;
  valueEnc: string;
  issuedBy: string;
  issuedAt: Date;
  expiresIn: number;
  expiresAt: Date;
  tokenVersionId: string | null;
  usedAt: Date | null;
  usedBy: string | null;
  app: { id: string; name: string; appId: string };
};

/**
 * When each NONCE really dies: its 120 s, or earlier when the token it was fetched with dies first
 * ("access_token 失效时，该 access_token 生成的 ticket 都失效") — e.g. that token was rotated and its
 * 60 s overlap ran out. Read now, since a rotation after the issue moves it forward.
 */
async function nonceEnds(rows: NonceRow[]): Promise<Map<string, Date>> {
  const ids = [...new Set(rows.map((r) => r.tokenVersionId).filter((id): id is string => id !== null))];
  const tokens = ids.length ? await getDb().credentialVersion.findMany({ where: { id: { in: ids } } }) : [];
  const byId = new Map(tokens.map((t) => [t.id, t]));
  return new Map(rows.map((r) => [r.id, effectiveExpiry(r, r.tokenVersionId ? (byId.get(r.tokenVersionId) ?? "gone") : null)]));
}

function view(n: NonceRow, value: string, expiresAt: Date): NonceView {
  return {
    id: n.id,
    appRef: n.app.id,
    appName: n.app.name,
    appId: n.app.appId,
    userId: n.userId,
    maskedValue: maskValue(value),
    issuedBy: n.issuedBy,
    issuedAt: n.issuedAt.toISOString(),
    expiresIn: n.expiresIn,
    expiresAt: expiresAt.toISOString(),
    usedAt: n.usedAt?.toISOString() ?? null,
    usedBy: n.usedBy,
    expired: !n.usedAt && now() >= expiresAt,
  };
}

/**
 * Issues a fresh NONCE ticket for `userId` with the app's current access token: always a new
 * call to the vendor (single use, never reused), stored encrypted for the desk's list, audited.
 * A token the vendor refuses is renewed once (compare-before-invalidate) and the call retried.
 */
export async function issueNonce({ input, actor }: { input: { appRef: string; userId: string }; actor: string }): Promise<NonceView & { value: string }> {
  const userId = faceidUserId.safeParse(input.userId);
  if (!userId.success) throw new NonceInputError("userId", userId.error.issues[0]?.message ?? "invalid user_id");
  const db = getDb();
  const app = await db.vendorApp.findUnique({ where: { id: input.appRef } });
  if (app?.vendor !== "faceid") throw new NonceInputError("appRef", "must be a FaceID app", "not-found");
  if (!app.enabled) throw new NonceInputError("appRef", "the app is disabled", "conflict");

  const ctx = vendorContext(db, app, null);
  const issuedAt = now();
  let fetched;
  let token;
  try {
    token = await serveCredential({ appRef: app.id, kind: "access_token" });
    try {
      fetched = await fetchFaceidTicket(ctx, token.value, { type: "NONCE", userId: userId.data });
    } catch (err) {
      if (!(err instanceof VendorError && err.failure === "invalid-credential")) throw err;
      const slot = await db.credential.findUniqueOrThrow({ where: { appRef_kind: { appRef: app.id, kind: "access_token" } } });
      const refusedVersionId = slot.currentVersionId;
      await refreshCredential({ credentialId: slot.id, reason: "NONCE desk: token refused", need: { type: "stale", minSeconds: 60, refusedVersionId } });
      token = await serveCredential({ appRef: app.id, kind: "access_token" });
      fetched = await fetchFaceidTicket(ctx, token.value, { type: "NONCE", userId: userId.data });
    }
  } catch (err) {
    const failure = failureOf(err);
    const message = failureMessageOf(err);
    // Standalone: the vendor issued nothing, so nothing is stored for this row to join.
    await db.auditEvent.create({
      data: {
        at: now(),
        actor,
        action: "nonce.issue",
        target: app.id,
        outcome: `failed: ${failure}`,
        detail: `${app.name} user_id ${userId.data}: ${message}`,
      },
    });
    throw new NonceVendorError(failure, message);
  }
  // The token version it was fetched with (the generation served names it), so a later rotation caps it too.
  const tokenSlot = await db.credential.findUniqueOrThrow({ where: { appRef_kind: { appRef: app.id, kind: "access_token" } } });
  const tokenVersion = await db.credentialVersion.findUnique({
    where: { credentialId_generation: { credentialId: tokenSlot.id, generation: token.generation } },
  });
  // The ticket and its audit row together: a NONCE is single-use money at the vendor.
  const row = await db.$transaction(async (tx) => {
    const created = await tx.nonceTicket.create({
      data: {
        appRef: app.id,
        userId: userId.data,
        valueEnc: encrypt(fetched.value),
        valueHash: valueHash(fetched.value),
        issuedBy: actor,
        issuedAt,
        expiresIn: fetched.expiresIn,
        expiresAt: effectiveExpiry({ expiresAt: new Date(issuedAt.getTime() + fetched.expiresIn * 1000) }, { expiresAt: token.expiresAt }),
        tokenVersionId: tokenVersion?.id ?? null,
      },
      include: { app: true },
    });
    await tx.auditEvent.create({
      data: { at: now(), actor, action: "nonce.issue", target: app.id, outcome: "issued", detail: `${app.name} user_id ${userId.data} (${created.id})` },
    });
    return created;
  });
  noncesChanged();
  return { ...view(row, fetched.value, (await nonceEnds([row])).get(row.id)!), value: fetched.value };
}

/** Recently issued NONCE tickets, newest first; values masked (a NONCE is shown once, at issue). */
export async function recentNonces(limit: number): Promise<NonceView[]> {
  const rows = await getDb().nonceTicket.findMany({ orderBy: [{ issuedAt: "desc" }, { id: "desc" }], take: limit, include: { app: true } });
  const ends = await nonceEnds(rows);
  return rows.map((r) => view(r, decrypt(r.valueEnc), ends.get(r.id)!));
}

/** Records that QA used a NONCE ticket (it is single use at the vendor); idempotent. */
export async function markNonceUsed({ input, actor }: { input: { id: string }; actor: string }): Promise<NonceView> {
  const { id } = input;
  const db = getDb();
  const row = await db.nonceTicket.findUnique({ where: { id }, include: { app: true } });
  if (!row) throw notFound("NONCE ticket", id);
  const endsAt = (await nonceEnds([row])).get(row.id)!;
  // An expired NONCE was never used by QA in time: recording it as "used" would tell whoever reads
  // the desk later that a login went through with it. Already-marked ones stay idempotent.
  if (!row.usedAt && now() >= endsAt)
    throw new AppError("conflict", "NONCE ticket expired", `it expired at ${endsAt.toISOString()} and cannot be marked used; issue a new one`, {
      field: "id",
      extra: { expiresAt: endsAt.toISOString() },
    });
  const updated = row.usedAt
    ? row
    : await db.$transaction(async (tx) => {
        await tx.auditEvent.create({
          data: { at: now(), actor, action: "nonce.mark-used", target: row.appRef, outcome: "ok", detail: `${row.app.name} user_id ${row.userId} (${row.id})` },
        });
        return tx.nonceTicket.update({ where: { id }, data: { usedAt: now(), usedBy: actor }, include: { app: true } });
      });
  if (updated !== row) noncesChanged();
  return view(updated, decrypt(updated.valueEnc), endsAt);
}
