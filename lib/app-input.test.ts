import { describe, expect, it } from "vitest";
import { appInputSchema } from "./app-input";
import { isPlainVendorPath } from "./vendor-path";

const yzb = (tokenPath: string) => ({ vendor: "yzb", name: "yzb", appId: "yzbdemo1", secret: "s3cret-value", baseUrl: "https://yzb.example.com", tokenPath });
const tokenPathError = (tokenPath: string) => {
  const r = appInputSchema.safeParse(yzb(tokenPath));
  return r.success ? null : (r.error.issues.find((i) => i.path[0] === "tokenPath")?.message ?? null);
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

describe("FaceID's 20-minute cadence", () => {
  const faceid = (policy: unknown) =>
    appInputSchema.safeParse({ vendor: "faceid", name: "f", appId: "IDAabcd1", secret: "s3cret-value", baseUrl: "sandbox", policy: JSON.stringify(policy) });

  it("refuses an override that would refresh the token or SIGN ticket later, naming the field and the rule", () => {
    for (const [policy, field] of [
      [{ schedules: { access_token: { everySeconds: 3600 } } }, "schedules.access_token.everySeconds"],
      [{ schedules: { sign_ticket: { everySeconds: 1100, jitterSeconds: 200 } } }, "schedules.sign_ticket.jitterSeconds"],
      [{ schedules: { access_token: { refreshAtFraction: 0.5 } } }, "schedules.access_token.refreshAtFraction"],
      [{ schedules: { sign_ticket: { refreshWhenRemainingSeconds: 600 } } }, "schedules.sign_ticket.refreshWhenRemainingSeconds"],
    ] as const) {
      const r = faceid(policy);
      expect(r.success).toBe(false);
      expect(r.error!.issues[0]!.path).toEqual(["policy"]);
      expect(r.error!.issues[0]!.message).toContain(
        `${field}: FaceID's document requires refreshing the access token and SIGN ticket at least every 20 minutes`,
      );
    }
  });

  it("accepts a shorter cadence, and any cadence for other vendors", () => {
    expect(faceid({ schedules: { access_token: { everySeconds: 900, jitterSeconds: 60 } } }).success).toBe(true);
    const wechat = appInputSchema.safeParse({
      vendor: "wechat",
      name: "w",
      appId: "wx1234567890abcdef",
      secret: "s3cret-value",
      baseUrl: "sandbox",
      policy: JSON.stringify({ schedules: { access_token: { everySeconds: 3600 } } }),
    });
    expect(wechat.success).toBe(true);
  });
});
