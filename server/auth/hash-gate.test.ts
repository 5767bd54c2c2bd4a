import { describe, expect, it } from "vitest";
import { HashGate, HashingBusyError } from "./hash-gate";

/** Work that finishes only when the test says so. */
function deferred() {
  let finish!: () => void;
  const done = new Promise<void>((r) => (finish = r));
  return { done, finish };
}

describe("HashGate", () => {
  it("never runs more than `concurrency` at once, and runs everything queued", async () => {
    const gate = new HashGate(2, 10);
    let now = 0;
    let peak = 0;
    const jobs = Array.from({ length: 10 }, () => deferred());
    const results = jobs.map((j, i) =>
      gate.run(async () => {
        now += 1;
        peak = Math.max(peak, now);
        await j.done;
        now -= 1;
        return i;
      }),
    );
    await Promise.resolve();
    expect(gate.active).toBe(2);
    expect(gate.queued).toBe(8);
    // Finish them out of order; each finish lets exactly one waiter in.
    for (const i of [1, 0, 5, 2, 3, 4, 9, 6, 7, 8]) {
      jobs[i]!.finish();
      await new Promise((r) => setTimeout(r, 0));
      expect(gate.active).toBeLessThanOrEqual(2);
    }
    expect(await Promise.all(results)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(peak).toBe(2);
    expect(gate.active).toBe(0);
    expect(gate.queued).toBe(0);
  });

  it("refuses at once when the queue is full, and frees its slot when work fails", async () => {
    const gate = new HashGate(1, 2, 3);
    const j = deferred();
    const first = gate.run(() => j.done);
    const queued = [gate.run(async () => "a"), gate.run(async () => "b")];
    const refused = gate.run(async () => "c");
    await expect(refused).rejects.toBeInstanceOf(HashingBusyError);
    await expect(refused).rejects.toMatchObject({ retryAfterSeconds: 3 });
    j.finish();
    await first;
    expect(await Promise.all(queued)).toEqual(["a", "b"]);
    await expect(gate.run(async () => Promise.reject(new Error("scrypt failed")))).rejects.toThrow("scrypt failed");
    expect(gate.active).toBe(0);
    expect(await gate.run(async () => "after")).toBe("after");
  });
});
