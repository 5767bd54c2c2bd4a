import "server-only";
import { createHash } from "node:crypto";
import { looksLikeMilliseconds, type MismatchCause } from "@/lib/signature-input";

const sha1 = (s: string) => createHash("sha1").update(s, "utf8").digest("hex");

type JsSdkArgs = { ticket: string; nonceStr: string; timestamp: number | string; url: string };

const canonicalOf = (a: JsSdkArgs, nonceKey = "noncestr") => `jsapi_ticket=${a.ticket}&${nonceKey}=${a.nonceStr}&timestamp=${a.timestamp}&url=${a.url}`;

/**
 * The WeChat / Feishu JS-SDK signature: keys in this order, raw values (no URL encoding),
 * the URL without its #fragment.
 */
export function jsSdkSignature(args: JsSdkArgs) {
  const canonical = canonicalOf({ ...args, url: args.url.split("#")[0]! });
  return { canonical, signature: sha1(canonical) };
}

/** `f(s)`, or null when it throws (a malformed %-sequence) or changes nothing. */
function variant(s: string, f: (s: string) => string): string | null {
  try {
    const out = f(s);
    return out === s ? null : out;
  } catch {
    return null;
  }
}

/**
 * Compares the signature a page sent with the one computed from the same inputs, and when they
 * differ, looks for the usual slip that reproduces the page's: the #fragment signed, the URL
 * signed encoded (or decoded), the timestamp signed in the other unit, `nonceStr` spelled in
 * camel case inside the signed string, or (for an app's ticket) the previous ticket.
 */
export function compareJsSdkSignature(
  args: JsSdkArgs & { previousTicket?: string | null },
  pageSignature: string,
): { match: boolean; cause: MismatchCause | null } {
  const sent = pageSignature.trim().toLowerCase();
  if (jsSdkSignature(args).signature === sent) return { match: true, cause: null };
  const signed = args.url.split("#")[0]!;
  const ts = Number(args.timestamp);
  const withUrl = (url: string | null) => (url === null ? null : canonicalOf({ ...args, url }));
  const tries: [MismatchCause, string | null][] = [
    ["fragment", args.url.includes("#") ? canonicalOf(args) : null],
    ["encodedUrl", withUrl(variant(signed, encodeURIComponent))],
    ["encodedUrl", withUrl(variant(signed, encodeURI))],
    ["decodedUrl", withUrl(variant(signed, decodeURIComponent))],
    ["decodedUrl", withUrl(variant(signed, decodeURI))],
    ["milliseconds", looksLikeMilliseconds(ts) ? canonicalOf({ ...args, url: signed, timestamp: Math.floor(ts / 1000) }) : null],
    ["nonceStrSpelling", canonicalOf({ ...args, url: signed }, "nonceStr")],
    ["previousTicket", args.previousTicket ? canonicalOf({ ...args, url: signed, ticket: args.previousTicket }) : null],
  ];
  for (const [cause, canonical] of tries) if (canonical !== null && sha1(canonical) === sent) return { match: false, cause };
  return { match: false, cause: null };
}

/** FaceID (and WeChat cardExt) sign: the values sorted lexicographically, concatenated, SHA1. */
export function sortedValuesSignature(values: string[]) {
  const canonical = [...values].sort().join("");
  return { canonical, signature: sha1(canonical) };
}
