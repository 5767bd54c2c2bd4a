import "server-only";
import type { VendorApp } from "@/generated/sqlite/client";
import type { CredentialKind, VendorId } from "@/lib/credential-kinds";
import { now } from "../clock";
import { decrypt } from "../crypto";
import type { Db } from "../db";
import { fetchFromVendor } from "../vendors/registry";
import { VendorError, type Fetched, type VendorContext } from "../vendors/types";
import { parsePolicyOverrides, policyFor } from "./policy";
import type { RefreshCredential } from "./refresh-types";

/**
 * Fetches a credential's new value from its vendor, with a usable parent token (the app's access
 * token) when its kind needs one. A refused token is renewed once and the call retried; refused
 * again after a renewal twice in a row means a configuration problem, not staleness.
 *
 * `refresh` is refreshCredential, passed in: renewing the parent goes through the same single-flight
 * path, and importing it here would make an import cycle with refresh-credential.ts.
 */
export async function fetchWithParent(args: {
  db: Db;
  app: VendorApp;
  vendor: VendorId;
  kind: CredentialKind;
  parentKind: CredentialKind | null;
  ctx: VendorContext;
  /** The credential's last failure, as it stood before this refresh. */
  previous: { lastErrorClass: string | null; consecutiveFailures: number };
  refresh: RefreshCredential;
}): Promise<{ fetched: Fetched; parentVersionId: string | null }> {
  const { db, app, vendor, kind, parentKind, ctx, refresh } = args;
  // A ticket that dies with its token is fetched with the token that will be current, not one due for replacement.
  const diesWithToken = policyFor(vendor, kind).refreshWithParent;
  let parent = parentKind ? await usableParent(db, refresh, app, parentKind, null, diesWithToken) : null;
  let fetched: Fetched;
  try {
    fetched = await fetchFromVendor(vendor, kind, ctx, parent?.value ?? null);
  } catch (err) {
    if (!(err instanceof VendorError && err.failure === "invalid-credential" && parentKind && parent)) throw err;
    // The token was refused: renew it unless someone already did (compare before invalidating), retry once.
    parent = await usableParent(db, refresh, app, parentKind, parent.versionId);
    try {
      fetched = await fetchFromVendor(vendor, kind, ctx, parent.value);
    } catch (again) {
      // Refused again right after a renewal, and the previous attempt ended the same way: two fresh
      // tokens refused is not staleness. WeChat's getticket document says what 40001 then means:
      // "check that AppSecret is correct, or that they are calling interfaces for the appropriate
      // Official Account". Stop renewing the token every backoff cycle and say so.
      if (
        again instanceof VendorError &&
        again.failure === "invalid-credential" &&
        args.previous.lastErrorClass === "invalid-credential" &&
        args.previous.consecutiveFailures >= 1
      ) {
        throw new VendorError(
          "bad-config",
          `${again.message} — still refused after the access token was renewed twice: check the app secret (AppSecret), or whether the app id belongs to the right account`,
          again.detail,
        );
      }
      throw again;
    }
  }
  return { fetched, parentVersionId: parent?.versionId ?? null };
}

/**
 * The app's current access token, renewed first when it is missing, nearly expired, or is the
 * very version a vendor just refused (`refusedVersionId`).
 */
async function usableParent(
  db: Db,
  refresh: RefreshCredential,
  app: VendorApp,
  kind: CredentialKind,
  refusedVersionId: string | null,
  renewIfDue = false,
): Promise<{ versionId: string; value: string }> {
  const parentSlot = await db.credential.findUnique({ where: { appRef_kind: { appRef: app.id, kind } } });
  if (!parentSlot) throw new VendorError("bad-config", `${app.name} has no ${kind} credential`);
  const policy = policyFor(app.vendor as VendorId, kind, parsePolicyOverrides(app.policy));
  // The first look uses the version the slot just read points at (one query fewer); after a renewal it is read again.
  const usable = async (versionId: string | null) => {
    const v = versionId ? await db.credentialVersion.findUnique({ where: { id: versionId } }) : null;
    const minRemaining = policy.minParentRemainingSeconds * 1000;
    return v && v.id !== refusedVersionId && v.expiresAt.getTime() - now().getTime() > minRemaining ? v : null;
  };
  // FaceID: a SIGN ticket fetched with a token that is due for its 20-minute renewal dies a minute
  // after that renewal and is fetched again by the cascade: two ticket calls where one will do. When
  // the token is due (its scheduled time has come, or a late tick left it so), renew it first.
  const renewed = renewIfDue && !refusedVersionId && parentSlot.nextRefreshAt !== null && parentSlot.nextRefreshAt <= now();
  if (renewed) {
    await refresh({ credentialId: parentSlot.id, reason: "due, and a ticket that dies with it is being fetched", need: { type: "due" } });
  }
  let version = await usable(renewed ? await currentVersionId(db, parentSlot.id) : parentSlot.currentVersionId);
  if (!version) {
    const result = await refresh({
      credentialId: parentSlot.id,
      reason: "needed for a ticket",
      need: { type: "stale", minSeconds: policy.minParentRemainingSeconds, refusedVersionId },
    });
    version = await usable(await currentVersionId(db, parentSlot.id));
    if (!version) {
      const why = result.ok ? "no usable access token" : result.message;
      throw new VendorError(result.ok ? "invalid-credential" : result.failure, `access token: ${why}`);
    }
  }
  return { versionId: version.id, value: decrypt(version.valueEnc) };
}

async function currentVersionId(db: Db, credentialId: string): Promise<string | null> {
  return (await db.credential.findUnique({ where: { id: credentialId }, select: { currentVersionId: true } }))?.currentVersionId ?? null;
}
