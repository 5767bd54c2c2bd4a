import { describe, expect, it } from "vitest";
import { formatDuration, heldSecondsLeft, remainingSeconds } from "./time";

describe("formatDuration", () => {
  it("reads like a countdown", () => {
    expect(formatDuration(7200)).toBe("2h 00m 00s");
    expect(formatDuration(7199)).toBe("1h 59m 59s");
    expect(formatDuration(65)).toBe("1m 05s");
    expect(formatDuration(9)).toBe("9s");
    expect(formatDuration(-3)).toBe("0s");
  });
  it("reads in Chinese units in a Chinese UI, same shape", () => {
    expect(formatDuration(7199, "zh-CN")).toBe("1小时59分59秒");
    expect(formatDuration(65, "zh-CN")).toBe("1分05秒");
    expect(formatDuration(9, "zh-CN")).toBe("9秒");
    expect(formatDuration(7199, "en")).toBe("1h 59m 59s");
  });
});

describe("remainingSeconds", () => {
  const expiresAt = "2026-01-01T02:00:00.000Z";
  const serverNow = Date.parse("2026-01-01T00:00:00.000Z");

  it("counts down on the server's clock", () => {
    expect(remainingSeconds(expiresAt, serverNow, 0)).toBe(7200);
  });

  it("corrects a browser clock that runs 5 minutes fast or slow", () => {
    const fast = serverNow + 5 * 60_000;
    expect(remainingSeconds(expiresAt, fast, serverNow - fast)).toBe(7200);
    const slow = serverNow - 5 * 60_000;
    expect(remainingSeconds(expiresAt, slow, serverNow - slow)).toBe(7200);
  });
});

describe("heldSecondsLeft", () => {
  const at = "2026-12-02T12:00:00.000Z";
  it("counts down, and holds a second instead of going up when the server's clock is estimated earlier", () => {
    const expiresMs = Date.parse(at);
    // Ticks one second apart; before the third, a better sample moves the offset from +400 ms to -300 ms.
    const ticks = [
      { nowMs: expiresMs - 10_000, offset: 400 },
      { nowMs: expiresMs - 9_000, offset: 400 },
      { nowMs: expiresMs - 8_950, offset: -300 },
      { nowMs: expiresMs - 7_950, offset: -300 },
    ];
    let prev: { at: string; left: number } | null = null;
    const shown: number[] = [];
    for (const t of ticks) {
      const left = heldSecondsLeft(prev, at, remainingSeconds(at, t.nowMs, t.offset));
      prev = { at, left };
      shown.push(left);
    }
    // Unheld, the third would read 9 (after 8): a countdown going up.
    expect(remainingSeconds(at, ticks[2]!.nowMs, ticks[2]!.offset)).toBe(9);
    expect(shown).toEqual([9, 8, 8, 8]);
  });

  it("starts afresh for a new value", () => {
    expect(heldSecondsLeft({ at, left: 3 }, "2026-12-02T14:00:00.000Z", 7200)).toBe(7200);
  });

  it("shows a big correction (a clock minutes off) instead of freezing until time catches up", () => {
    expect(heldSecondsLeft({ at, left: 100 }, at, 105)).toBe(100);
    expect(heldSecondsLeft({ at, left: 100 }, at, 400)).toBe(400);
  });
});
