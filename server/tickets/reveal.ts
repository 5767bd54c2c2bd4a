import "server-only";
import { now } from "../clock";
import { decrypt } from "../crypto";
import { getDb } from "../db";
import { AppError } from "../errors";

export type RevealAction = "reveal" | "copy";

/**
 * The plain value of one version of a credential (the current one unless `versionId` names
 * another), for a person who asked to see or copy it. Every call is audited.
 */
export async function revealValue({
  input,
  actor,
}: {
  input: { credentialId: string; versionId: string | null; action: RevealAction };
  actor: string;
}): Promise<{ value: string; generation: number }> {
  const { credentialId, action } = input;
  const db = getDb();
  const missing = () =>
    new AppError("not-found", "Not found", `No such credential or version: ${credentialId}${input.versionId ? ` / ${input.versionId}` : ""}`);
  const slot = await db.credential.findUnique({ where: { id: credentialId }, include: { app: true } });
  if (!slot) throw missing();
  const versionId = input.versionId ?? slot.currentVersionId;
  const version = versionId ? await db.credentialVersion.findFirst({ where: { id: versionId, credentialId: slot.id } }) : null;
  if (!version) throw missing();
  // Standalone: a reveal changes nothing, so there is no transaction for its row to join.
  await db.auditEvent.create({
    data: {
      at: now(),
      actor,
      action: `credential.${action}`,
      target: slot.id,
      outcome: "ok",
      detail: `${slot.app.name} ${slot.kind} generation ${version.generation}`,
    },
  });
  return { value: decrypt(version.valueEnc), generation: version.generation };
}
