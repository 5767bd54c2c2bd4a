import "server-only";
import { decrypt } from "../crypto";
import { getDb } from "../db";

export type RevealAction = "reveal" | "copy";

/**
 * The plain value of one version of a credential (the current one unless `versionId` names
 * another), for a person who asked to see or copy it. Every call is audited.
 */
export async function revealValue(args: { credentialId: string; versionId: string | null; action: RevealAction; actor: string }) {
  const db = getDb();
  const slot = await db.credential.findUnique({ where: { id: args.credentialId }, include: { app: true } });
  if (!slot) return null;
  const versionId = args.versionId ?? slot.currentVersionId;
  const version = versionId ? await db.credentialVersion.findFirst({ where: { id: versionId, credentialId: slot.id } }) : null;
  if (!version) return null;
  await db.auditEvent.create({
    data: {
      actor: args.actor,
      action: `credential.${args.action}`,
      target: slot.id,
      outcome: "ok",
      detail: `${slot.app.name} ${slot.kind} generation ${version.generation}`,
    },
  });
  return { value: decrypt(version.valueEnc), generation: version.generation };
}
