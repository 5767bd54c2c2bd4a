import { describe, expect, it } from "vitest";
import { HashingBusyError } from "./hash-gate";
import { dummyHash, hashGate, hashPassword, verifyPassword } from "./password";

describe("password hashing behind the gate", () => {
  it("hashes and verifies", async () => {
    const stored = await hashPassword("correct horse battery");
    expect(await verifyPassword("correct horse battery", stored)).toBe(true);
    expect(await verifyPassword("wrong", stored)).toBe(false);
  });

  it("refuses with HashingBusyError when the gate is full, and a refused dummy hash is not kept", async () => {
    const gate = hashGate();
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const blockers = Array.from({ length: gate.concurrency + gate.queueLimit }, () => gate.run(() => held));
    await expect(hashPassword("x".repeat(12))).rejects.toBeInstanceOf(HashingBusyError);
    await expect(dummyHash()).rejects.toBeInstanceOf(HashingBusyError);
    release();
    await Promise.all(blockers);
    expect(await dummyHash()).toMatch(/^scrypt\$/);
  });
});
