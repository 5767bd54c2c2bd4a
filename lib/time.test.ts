import { describe, expect, it } from "vitest";
import { formatDuration, remainingSeconds } from "./time";

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
