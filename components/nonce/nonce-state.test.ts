import { describe, expect, it } from "vitest";
import { nonceState, refusedAsExpired } from "./nonce-state";

const issuedAt = Date.parse("2026-11-30T12:00:00Z");
const live = { usedAt: null, expiresAt: "2026-11-30T12:02:00Z" };

describe("a NONCE ticket's state", () => {
  it("counts down while it is live, on the server's clock", () => {
    expect(nonceState(live, issuedAt + 5_000, 0)).toEqual({ kind: "live", secondsLeft: 115 });
    // The browser runs 10 s behind the server: 10 s less left.
    expect(nonceState(live, issuedAt + 5_000, 10_000)).toEqual({ kind: "live", secondsLeft: 105 });
  });

  it("is expired at its expiry, and says when", () => {
    expect(nonceState(live, issuedAt + 120_000, 0)).toEqual({ kind: "expired", at: "2026-11-30T12:02:00Z" });
  });

  it("stays used (not expired) once marked used, with the time it was marked", () => {
    const used = { ...live, usedAt: "2026-11-30T12:01:00Z" };
    expect(nonceState(used, issuedAt + 30_000, 0)).toEqual({ kind: "used", at: "2026-11-30T12:01:00Z" });
    expect(nonceState(used, issuedAt + 600_000, 0)).toEqual({ kind: "used", at: "2026-11-30T12:01:00Z" });
  });

  it("is expired when the server last said so, even if the page's countdown still runs", () => {
    expect(nonceState({ ...live, expired: true }, issuedAt + 5_000, 0)).toEqual({ kind: "expired", at: "2026-11-30T12:02:00Z" });
  });

  it("is unknown before the page has a clock (server render)", () => {
    expect(nonceState(live, 0, 0)).toBeNull();
  });

  it("reads the server's 409 refusal as the expiry it names", () => {
    expect(refusedAsExpired({ status: 409, body: { expiresAt: "2026-11-30T12:02:00Z" } })).toBe("2026-11-30T12:02:00Z");
    expect(refusedAsExpired({ status: 502, body: {} })).toBeNull();
    expect(refusedAsExpired(null)).toBeNull();
  });
});
