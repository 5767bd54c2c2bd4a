import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { decrypt, encrypt, valueHash } from "./crypto";

const key = randomBytes(32);

describe("secrets at rest", () => {
  it("round-trips and never contains the plaintext", () => {
    const sealed = encrypt("demo-wechat-secret", key);
    expect(sealed).not.toContain("demo-wechat-secret");
    expect(decrypt(sealed, key)).toBe("demo-wechat-secret");
  });

  it("uses a fresh IV each time", () => {
    expect(encrypt("same", key)).not.toBe(encrypt("same", key));
  });

  it("refuses a tampered ciphertext or the wrong key", () => {
    const sealed = encrypt("ticket-value", key);
    const raw = Buffer.from(sealed.slice(3), "base64");
    raw[raw.length - 1]! ^= 1;
    expect(() => decrypt(`v1:${raw.toString("base64")}`, key)).toThrow();
    expect(() => decrypt(sealed, randomBytes(32))).toThrow();
  });

  it("hashes values with the key so equal values match and keys differ", () => {
    expect(valueHash("t", key)).toBe(valueHash("t", key));
    expect(valueHash("t", key)).not.toBe(valueHash("t", randomBytes(32)));
  });
});
