import "server-only";
import type { CheckResult as CheckView } from "@/lib/check-view";
import { vendorContext } from "../apps/vendor-context";
import { now } from "../clock";
import { decrypt } from "../crypto";
import { getDb } from "../db";
import { notFound } from "../errors";
import { checkYzbCode } from "../vendors/yzb";
import { effectiveExpiryOf } from "./effective-expiry";
import { VendorError } from "../vendors/types";

const NO_PROBE: Record<string, string> = {
  wechat:
    "WeChat offers no free validity check for tokens or tickets: the local validity below is what Ticket Hub relies on (a 40001/42001 on use triggers a renewal).",
  feishu:
    "Feishu offers no validity check for tenant tokens or JSAPI tickets: the local validity below is what Ticket Hub relies on (99991663 on use triggers a renewal).",
  faceid: "FaceID offers no validity check: the local validity below is what Ticket Hub relies on (400103 on use triggers a renewal).",
};

/**
 * Is the current value still good? Always the local view (our fetch time + expire_in); for yzb
 * also the vendor's own `checkCode`, which answers valid/invalid and its absolute expiry.
 */
export async function checkCredential({ input, actor }: { input: { credentialId: string }; actor: string }): Promise<CheckView> {
  const { credentialId } = input;
  const db = getDb();
  const slot = await db.credential.findUnique({ where: { id: credentialId }, include: { app: true } });
  if (!slot) throw notFound("credential", credentialId);
  const at = now();
  const version = slot.currentVersionId ? await db.credentialVersion.findUnique({ where: { id: slot.currentVersionId } }) : null;
  // A FaceID SIGN ticket dies with its token: the local view is the capped expiry, as everywhere else.
  const expiresAt = version ? await effectiveExpiryOf(db, slot.app.vendor, slot.kind, version) : null;
  const local =
    version && expiresAt
      ? {
          valid: expiresAt > at,
          remainingSeconds: Math.max(0, Math.floor((expiresAt.getTime() - at.getTime()) / 1000)),
          expiresAt: expiresAt.toISOString(),
          generation: version.generation,
        }
      : { valid: false, remainingSeconds: 0, expiresAt: null, generation: null };

  let probe: CheckView["probe"];
  if (slot.app.vendor !== "yzb") {
    probe = { available: false, explanation: NO_PROBE[slot.app.vendor] ?? "This vendor offers no validity check." };
  } else if (!version) {
    probe = { available: true, outcome: "skipped", message: "Nothing to check: no value fetched yet." };
  } else {
    const type = slot.kind === "access_token" ? "access_token" : "js_ticket";
    try {
      const r = await checkYzbCode(vendorContext(db, slot.app, slot.id), { type, code: decrypt(version.valueEnc) });
      probe = r.valid
        ? { available: true, outcome: "valid", message: `yzb checkCode: valid until ${r.expiresAt.toISOString()}`, vendorExpiresAt: r.expiresAt.toISOString() }
        : { available: true, outcome: "invalid", message: `yzb checkCode: invalid (4102 ${r.message}). Refresh to fetch a new one.` };
    } catch (err) {
      const failure = err instanceof VendorError ? err.failure : "network";
      probe = { available: true, outcome: "error", message: `yzb checkCode failed (${failure}): ${err instanceof Error ? err.message : String(err)}` };
    }
  }
  // Standalone: a check changes nothing stored, so there is no transaction for its row to join.
  await db.auditEvent.create({
    data: {
      actor,
      action: "credential.check",
      target: slot.id,
      outcome: probe.available ? probe.outcome : local.valid ? "valid locally" : "not valid locally",
      detail: `${slot.app.name} ${slot.kind} generation ${local.generation ?? "-"}`,
    },
  });
  return { serverTime: at.toISOString(), credentialId: slot.id, local, probe };
}
