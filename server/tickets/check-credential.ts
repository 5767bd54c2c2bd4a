import "server-only";
import type { CheckResult as CheckView } from "@/lib/check-view";
import { vendorContext } from "../apps/vendor-context";
import { now } from "../clock";
import { decrypt } from "../crypto";
import { getDb } from "../db";
import { notFound } from "../errors";
import { checkYzbCode } from "../vendors/yzb";
import { effectiveExpiryOf } from "./effective-expiry";
import { failureMessageOf, failureOf } from "../vendors/types";
import { type Sentence, sentence } from "@/lib/sentence";
import { english, sentenceOf } from "./sentences";

const NO_PROBE: Record<string, string> = { wechat: "check.noProbeWechat", feishu: "check.noProbeFeishu", faceid: "check.noProbeFaceid" };

/** A probe result with its English message composed from its sentence (the same words the page shows in English). */
function said<T extends object, F extends "message" | "explanation" = "message">(result: T, s: Sentence, field: F = "message" as F) {
  return { ...result, [field]: english(s), sentence: s } as T & { sentence: Sentence } & Record<F, string>;
}

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
    probe = said({ available: false as const }, sentence(NO_PROBE[slot.app.vendor] ?? "check.noProbe"), "explanation");
  } else if (!version) {
    probe = said({ available: true as const, outcome: "skipped" as const }, sentence("check.skipped"));
  } else {
    const type = slot.kind === "access_token" ? "access_token" : "js_ticket";
    try {
      const r = await checkYzbCode(vendorContext(db, slot.app, slot.id), { type, code: decrypt(version.valueEnc) });
      // The vendor's time as a time, shown in the page's zone (the message used to carry a raw ISO string).
      probe = r.valid
        ? said(
            { available: true as const, outcome: "valid" as const, vendorExpiresAt: r.expiresAt.toISOString() },
            sentence("check.valid", { untilAt: r.expiresAt.toISOString() }),
          )
        : said({ available: true as const, outcome: "invalid" as const }, sentence("check.invalid", { text: r.message }));
    } catch (err) {
      const failure = failureOf(err);
      const error = sentenceOf(failureMessageOf(err), "error");
      probe = said({ available: true as const, outcome: "error" as const }, sentence("check.failed", { failure, error }));
    }
  }
  // Standalone: a check changes nothing stored, so there is no transaction for its row to join.
  await db.auditEvent.create({
    data: {
      at: now(),
      actor,
      action: "credential.check",
      target: slot.id,
      outcome: probe.available ? probe.outcome : local.valid ? "valid locally" : "not valid locally",
      detail: `${slot.app.name} ${slot.kind} generation ${local.generation ?? "-"}`,
    },
  });
  return { serverTime: at.toISOString(), credentialId: slot.id, local, probe };
}
