import { describe, expect, it } from "vitest";
import { diesWithToken, effectiveExpiry, endOf } from "./effective-expiry";

const t = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));

describe("effectiveExpiry", () => {
  it("a current value ends at its expiry, a superseded one at the end of its overlap", () => {
    expect(endOf({ expiresAt: t(3600) })).toEqual(t(3600));
    expect(endOf({ expiresAt: t(3600), validUntil: t(1260) })).toEqual(t(1260));
  });

  it("a ticket that dies with its token ends when the token does: its expiry while current, rotation + 60 s once superseded", () => {
    const sign = { expiresAt: t(3600) };
    expect(effectiveExpiry(sign, { expiresAt: t(7200) })).toEqual(t(3600));
    expect(effectiveExpiry(sign, { expiresAt: t(7200), validUntil: t(1260) })).toEqual(t(1260));
    expect(effectiveExpiry(sign, { expiresAt: t(1800) })).toEqual(t(1800));
    // A NONCE (120 s) fetched 30 s before its token was rotated dies 60 s after the rotation.
    expect(effectiveExpiry({ expiresAt: t(1170 + 120) }, { expiresAt: t(7200), validUntil: t(1260) })).toEqual(t(1260));
  });

  it("a value that lives on its own is not capped; one whose token is gone is dead", () => {
    expect(effectiveExpiry({ expiresAt: t(7200) }, null)).toEqual(t(7200));
    expect(effectiveExpiry({ expiresAt: t(7200) }, "gone")).toEqual(new Date(0));
  });

  it("only FaceID's SIGN ticket dies with its token", () => {
    expect(diesWithToken("faceid", "sign_ticket")).toBe(true);
    expect(diesWithToken("faceid", "access_token")).toBe(false);
    expect(diesWithToken("wechat", "jsapi_ticket")).toBe(false);
    expect(diesWithToken("yzb", "js_ticket")).toBe(false);
  });
});
