import "server-only";
import { createHash } from "node:crypto";

const sha1 = (s: string) => createHash("sha1").update(s, "utf8").digest("hex");

/**
 * The WeChat / Feishu JS-SDK signature: keys in this order, raw values (no URL encoding),
 * the URL without its #fragment.
 */
export function jsSdkSignature(args: { ticket: string; nonceStr: string; timestamp: number | string; url: string }) {
  const url = args.url.split("#")[0]!;
  const canonical = `jsapi_ticket=${args.ticket}&noncestr=${args.nonceStr}&timestamp=${args.timestamp}&url=${url}`;
  return { canonical, signature: sha1(canonical) };
}

/** FaceID (and WeChat cardExt) sign: the values sorted lexicographically, concatenated, SHA1. */
export function sortedValuesSignature(values: string[]) {
  const canonical = [...values].sort().join("");
  return { canonical, signature: sha1(canonical) };
}
