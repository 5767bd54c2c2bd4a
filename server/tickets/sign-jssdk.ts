import "server-only";
import { maskValue } from "@/lib/mask";
import type { FaceidInput, JsSdkInput } from "@/lib/signature-input";
import { decrypt } from "../crypto";
import { getDb } from "../db";
import { AppError } from "../errors";
import { compareJsSdkSignature, jsSdkSignature, sortedValuesSignature } from "../signatures";
import { NotServableError, serveCredential, type Served } from "./serve-credential";

export class SignError extends AppError {
  constructor(message: string) {
    super("invalid", "Invalid request", message, { field: "credentialId" });
  }
}

/** The signing tools say "No valid ticket" (without the consumer API's retry hint) when the ticket cannot be served. */
async function ticketFor(appRef: string, kind: "jsapi_ticket" | "sign_ticket"): Promise<Served> {
  try {
    return await serveCredential({ appRef, kind });
  } catch (err) {
    if (err instanceof NotServableError) throw new AppError("unavailable", "No valid ticket", err.message);
    throw err;
  }
}

/** The ticket a credential slot held before `generation`: a page's server may still sign with it. */
async function previousValue(credentialId: string, generation: number): Promise<string | null> {
  const version = await getDb().credentialVersion.findUnique({ where: { credentialId_generation: { credentialId, generation: generation - 1 } } });
  return version ? decrypt(version.valueEnc) : null;
}

/**
 * The JS-SDK signature for a page URL, with an app's current ticket (WeChat `jsapi_ticket` or the
 * Feishu JSAPI ticket: it never leaves the server, the canonical string comes back masked) or a
 * pasted one. The timestamp is signed as given, milliseconds too (the tool warns). With the
 * signature the page sent, says whether it matches and which usual slip explains a mismatch.
 */
export async function signJsSdk(input: JsSdkInput) {
  const { nonceStr, timestamp, url, pageSignature } = input;
  let ticket: string;
  let appId: string | null = null;
  let generation: number | null = null;
  let previous: string | null = null;
  if ("credentialId" in input) {
    const slot = await getDb().credential.findUnique({ where: { id: input.credentialId }, include: { app: true } });
    if (!slot) throw new SignError(`no credential ${input.credentialId}`);
    if (slot.kind !== "jsapi_ticket") throw new SignError("must be a WeChat or Feishu jsapi ticket");
    const served = await ticketFor(slot.appRef, "jsapi_ticket");
    ({ value: ticket, generation } = served);
    appId = slot.app.appId;
    if (pageSignature) previous = await previousValue(slot.id, served.generation);
  } else {
    ticket = input.ticket;
  }
  const { canonical, signature } = jsSdkSignature({ ticket, nonceStr, timestamp, url });
  return {
    appId,
    timestamp,
    nonceStr,
    signature,
    canonical: appId ? canonical.replace(ticket, maskValue(ticket)) : canonical,
    ticketGeneration: generation,
    comparison: pageSignature ? compareJsSdkSignature({ ticket, nonceStr, timestamp, url, previousTicket: previous }, pageSignature) : null,
  };
}

/**
 * The FaceID sign over wbappid, userId, nonceStr, version and the ticket: an app's current SIGN
 * ticket (it stays on the server: the canonical string comes back with it masked) or a pasted one.
 */
export async function signFaceid(input: FaceidInput) {
  let ticket: string;
  let masked = false;
  if ("credentialId" in input) {
    const slot = await getDb().credential.findUnique({ where: { id: input.credentialId }, include: { app: true } });
    if (!slot) throw new SignError(`no credential ${input.credentialId}`);
    if (slot.app.vendor !== "faceid" || slot.kind !== "sign_ticket") throw new SignError("must be a FaceID SIGN ticket");
    ticket = (await ticketFor(slot.appRef, "sign_ticket")).value;
    masked = true;
  } else {
    ticket = input.ticket;
  }
  const values = [input.wbappid, input.userId, input.nonceStr, input.version, ticket];
  const { canonical, signature } = sortedValuesSignature(values);
  return {
    signature,
    canonical: masked ? canonical.replace(ticket, maskValue(ticket)) : canonical,
    sorted: [...values].sort().map((v) => (masked && v === ticket ? maskValue(v) : v)),
  };
}
