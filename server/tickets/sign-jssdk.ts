import "server-only";
import { maskValue } from "@/lib/mask";
import { getDb } from "../db";
import { AppError } from "../errors";
import { jsSdkSignature, sortedValuesSignature } from "../signatures";
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

/**
 * The JS-SDK signature for a page URL with an app's current ticket (WeChat `jsapi_ticket` or the
 * Feishu JSAPI ticket). The ticket never leaves the server: the canonical string comes back masked.
 */
export async function signJsSdk(args: { credentialId: string; url: string; nonceStr: string; timestamp: number }) {
  const slot = await getDb().credential.findUnique({ where: { id: args.credentialId }, include: { app: true } });
  if (!slot) throw new SignError(`no credential ${args.credentialId}`);
  if (slot.kind !== "jsapi_ticket") throw new SignError("must be a WeChat or Feishu jsapi ticket");
  const ticket = await ticketFor(slot.appRef, "jsapi_ticket");
  const { canonical, signature } = jsSdkSignature({ ticket: ticket.value, nonceStr: args.nonceStr, timestamp: args.timestamp, url: args.url });
  return {
    appId: slot.app.appId,
    timestamp: args.timestamp,
    nonceStr: args.nonceStr,
    signature,
    canonical: canonical.replace(ticket.value, maskValue(ticket.value)),
    ticketGeneration: ticket.generation,
  };
}

/** The same signature with a ticket the caller pasted (the dashboard's signature tool); nothing is looked up. */
export function signJsSdkWithTicket(args: { ticket: string; url: string; nonceStr: string; timestamp: number }) {
  const { canonical, signature } = jsSdkSignature(args);
  return { appId: null, timestamp: args.timestamp, nonceStr: args.nonceStr, signature, canonical, ticketGeneration: null };
}

/**
 * The FaceID sign over `values`, plus the current SIGN ticket of `credentialId` when given (the
 * ticket stays on the server: the canonical string comes back with it masked).
 */
export async function signFaceid(args: { values: string[]; credentialId?: string }) {
  let ticket: string | null = null;
  if (args.credentialId) {
    const slot = await getDb().credential.findUnique({ where: { id: args.credentialId }, include: { app: true } });
    if (!slot) throw new SignError(`no credential ${args.credentialId}`);
    if (slot.app.vendor !== "faceid" || slot.kind !== "sign_ticket") throw new SignError("must be a FaceID SIGN ticket");
    ticket = (await ticketFor(slot.appRef, "sign_ticket")).value;
  }
  const values = ticket ? [...args.values, ticket] : args.values;
  const { canonical, signature } = sortedValuesSignature(values);
  return {
    signature,
    canonical: ticket ? canonical.replace(ticket, maskValue(ticket)) : canonical,
    sorted: [...values].sort().map((v) => (v === ticket ? maskValue(v) : v)),
  };
}
