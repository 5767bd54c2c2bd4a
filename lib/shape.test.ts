import { describe, expect, it } from "vitest";
import { credentialList, problemOf, ShapeError } from "./shape";

const view = {
  id: "c1", vendor: "wechat", vendorLabel: "WeChat", appRef: "a1", appId: "wx1", appName: "Demo", kind: "jsapi_ticket", kindLabel: "jsapi ticket",
  status: "active", generation: 2, refreshing: false, lease: null,
  current: { maskedValue: "ab••cd", fetchedAt: "2026-01-01T00:00:00Z", expiresIn: 7200, expiresAt: "2026-01-01T02:00:00Z", vendorExpireTime: null },
  previous: null, lastError: null, consecutiveFailures: 0, nextRefreshAt: null, nextRefreshReason: null, policy: "p",
  quota: { endpoint: "/cgi-bin/ticket/getticket", used: 1, limit: null, limitSource: null, exhausted: false, resetsAt: "2026-01-01T16:00:00Z" },
};

describe("the overview's answer checks", () => {
  it("accept a well-formed credential list", () => {
    expect(credentialList.parse({ serverTime: "2026-01-01T00:00:00Z", credentials: [view] }).credentials[0]!.id).toBe("c1");
  });

  it("name the field of a malformed one", () => {
    expect(() => credentialList.parse({ serverTime: "x", credentials: [{ ...view, generation: "2" }] })).toThrow(new ShapeError("unexpected answer from Ticket Hub: credentials[0].generation should be a number"));
    expect(() => credentialList.parse({ serverTime: "x", credentials: [{ ...view, status: "fine" }] })).toThrow(/credentials\[0\]\.status should be one of pending, active, failing, expired/);
    expect(() => credentialList.parse({ serverTime: "x", credentials: [{ ...view, current: { ...view.current, expiresAt: 5 } }] })).toThrow(/current\.expiresAt should be a string/);
    expect(() => credentialList.parse(null)).toThrow(/answer should be an object/);
  });

  it("read problem details", () => {
    expect(problemOf({ title: "Not allowed", status: 403, detail: "needs admin" })).toEqual({ title: "Not allowed", detail: "needs admin" });
    expect(problemOf({ error: "x" })).toBeNull();
  });
});
