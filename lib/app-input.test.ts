import { describe, expect, it } from "vitest";
import { appInputSchema } from "./app-input";
import { isPlainVendorPath } from "./vendor-path";

const yzb = (tokenPath: string) => ({ vendor: "yzb", name: "yzb", appId: "yzbdemo1", secret: "s3cret-value", baseUrl: "https://yzb.example.com", tokenPath });
const tokenPathError = (tokenPath: string) => {
  const r = appInputSchema.safeParse(yzb(tokenPath));
  return r.success ? null : r.error.issues.find((i) => i.path[0] === "tokenPath")?.message ?? null;
};

describe("yzb token path", () => {
  // Each of these, joined to the base URL by `new URL(path, base)`, names another host or climbs out.
  it.each([
    ["//evil.example/x", "scheme-relative: another host"],
    ["//127.0.0.2/exfil", "scheme-relative: a loopback listener"],
    ["/a/../b", "climbs"],
    ["/..", "climbs"],
    ["/a\\b", "backslash (read as / by URL parsers)"],
    ["/\\\\evil.example/x", "backslashes: another host"],
    ["/%2f%2fevil", "percent-encoded slashes"],
    ["/%2e%2e/x", "percent-encoded dots"],
    ["/a//b", "empty segment"],
    ["/a/./b", "dot segment"],
    ["/a?x=1", "query"],
    ["/a#x", "fragment"],
    ["https://evil.example/x", "absolute URL"],
    ["/", "no path"],
  ])("refuses %s (%s)", (path) => {
    expect(isPlainVendorPath(path)).toBe(false);
    expect(tokenPathError(path)).toMatch(/must be a path such as \/OAuth2\/accessToken/);
  });

  it.each(["/OAuth2/accessToken", "/api/v1.2/token", "/a_b-c/d"])("accepts %s", (path) => {
    expect(isPlainVendorPath(path)).toBe(true);
    expect(tokenPathError(path)).toBeNull();
  });

  it("is only for yzb apps", () => {
    const r = appInputSchema.safeParse({ ...yzb("/OAuth2/accessToken"), vendor: "wechat", appId: "wx1234567890abcdef" });
    expect(r.success).toBe(false);
  });
});

describe("policy JSON", () => {
  it("is capped in size before it is parsed", () => {
    const big = JSON.stringify({ quotas: Object.fromEntries(Array.from({ length: 600 }, (_, i) => [`/endpoint/${i}`, 1000])) });
    expect(big.length).toBeGreaterThan(8 * 1024);
    const r = appInputSchema.safeParse({ vendor: "wechat", name: "w", appId: "wx1234567890abcdef", secret: "s3cret-value", baseUrl: "sandbox", policy: big });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]).toMatchObject({ path: ["policy"], message: "must be at most 8 KiB of JSON" });
  });
});
