import "server-only";
import { maskValue } from "@/lib/mask";
import { getDb } from "../db";
import { jsSdkSignature } from "../signatures";
import { serveCredential } from "./serve-credential";

export class SignError extends Error {}

/**
 * The JS-SDK signature for a page URL with an app's current ticket (WeChat `jsapi_ticket` or the
 * Feishu JSAPI ticket). The ticket never leaves the server: the canonical string comes back masked.
 */
export async function signJsSdk(args: { credentialId: string; url: string; nonceStr: string; timestamp: number }) {
  const slot = await getDb().credential.findUnique({ where: { id: args.credentialId }, include: { app: true } });
  if (!slot) throw new SignError(`credentialId: no credential ${args.credentialId}`);
  if (slot.kind !== "jsapi_ticket") throw new SignError("credentialId: must be a WeChat or Feishu jsapi ticket");
  const ticket = await serveCredential({ appRef: slot.appRef, kind: "jsapi_ticket" });
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
