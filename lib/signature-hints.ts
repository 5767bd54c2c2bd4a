import { looksLikeMilliseconds } from "./signature-input";

/**
 * What commonly breaks a JS-SDK signature, checked on the inputs before signing
 * (vendor-notes.md: keys in order, raw values, URL without #fragment).
 */
/** `id` names the hint for a translated text; `signedUrl` is the URL the fragment hint names. */
export type Hint = { id: "fragment" | "percent" | "nonAscii" | "milliseconds" | "spelling"; level: "warning" | "info"; text: string; signedUrl?: string };

export function jsSdkHints(input: { url: string; nonceStr: string; timestamp: string }): Hint[] {
  const hints: Hint[] = [];
  const url = input.url.trim();
  if (url.includes("#")) {
    hints.push({
      id: "fragment",
      signedUrl: url.split("#")[0],
      level: "warning",
      text: `The #fragment is not signed: the signature is for ${url.split("#")[0]}. In the page, sign location.href.split('#')[0].`,
    });
  }
  if (/%[0-9A-Fa-f]{2}/.test(url)) {
    hints.push({
      id: "percent",
      level: "warning",
      text: "The URL holds percent-encoded characters: sign it exactly as the page's location.href shows it; do not decode or re-encode it.",
    });
  }
  if (/[\s\u0080-\uFFFF]/.test(url)) {
    hints.push({
      id: "nonAscii",
      level: "warning",
      text: "The URL holds spaces or non-ASCII characters: the browser's location.href percent-encodes them, and that encoded form is what must be signed.",
    });
  }
  const timestamp = input.timestamp.trim();
  if (/^\d+$/.test(timestamp) && looksLikeMilliseconds(Number(timestamp))) {
    hints.push({
      id: "milliseconds",
      level: "warning",
      text: "This looks like milliseconds; WeChat expects seconds (Math.floor(Date.now() / 1000)): the signature uses the value as given.",
    });
  }
  hints.push({
    id: "spelling",
    level: "info",
    text: "Spelling: the signed string uses noncestr (lower case); wx.config and h5sdk.config take nonceStr (camel case) with the same value.",
  });
  return hints;
}
