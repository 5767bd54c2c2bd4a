/**
 * Whether `path` is a plain path that stays on the host it is joined to: single slashes between
 * segments of letters, digits, _ . and -, no "." or ".." segment. What URL resolution would
 * reinterpret is refused rather than cleaned: "//host/…" is a scheme-relative URL (another host),
 * "\" is read as "/" by WHATWG URLs, ".." climbs, and a "%" escape may decode to any of them
 * further down the line (a proxy, the vendor's router).
 */
export function isPlainVendorPath(path: string): boolean {
  if (path.length < 2 || path.length > 200 || !path.startsWith("/")) return false;
  return path
    .slice(1)
    .split("/")
    .every((segment) => /^[A-Za-z0-9_.-]+$/.test(segment) && segment !== "." && segment !== "..");
}

export const VENDOR_PATH_RULE = "must be a path such as /OAuth2/accessToken: letters, digits, _ . - between single slashes (no //, .., \\ or % escapes)";
