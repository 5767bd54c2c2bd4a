/**
 * Only same-site paths: never an open redirect. Parsed as a browser would (which drops tabs and
 * newlines, so "/\t/evil.example" means "//evil.example"), and kept only if it stays on this origin.
 */
export function safeNext(next: string | string[] | undefined): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what must be refused.
  if (typeof next !== "string" || !next.startsWith("/") || /[\u0000-\u001f\u007f\\]/.test(next)) return "/";
  const base = "http://tickethub.invalid";
  const url = new URL(next, base);
  return url.origin === base ? url.pathname + url.search + url.hash : "/";
}
