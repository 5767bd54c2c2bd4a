import { describe, expect, it } from "vitest";
import { formatDateTime, zoneOffset } from "./format-time";

const at = "2026-11-30T15:04:05Z";

describe("formatDateTime", () => {
  it("shows Chinese times on a 24-hour clock with the zone's offset", () => {
    expect(formatDateTime(at, "zh-CN", "Asia/Shanghai")).toBe("2026/11/30 23:04:05 UTC+8");
    expect(formatDateTime(at, "zh-CN", "UTC")).toBe("2026/11/30 15:04:05 UTC");
  });
  it("moves the clock by the zone's offset and always says which zone", () => {
    expect(formatDateTime(at, "en", "UTC")).toBe("Nov 30, 2026, 3:04:05 PM UTC");
    expect(formatDateTime(at, "en", "Asia/Shanghai")).toBe("Nov 30, 2026, 11:04:05 PM UTC+8");
    expect(formatDateTime(at, "en", "America/New_York")).toBe("Nov 30, 2026, 10:04:05 AM UTC-5");
  });
  it("names half-hour offsets", () => {
    expect(zoneOffset(new Date(at), "Asia/Kolkata")).toBe("UTC+5:30");
  });
  it("makes its formatters once: a page of 100 moments builds two, not two per moment", () => {
    const real = Intl.DateTimeFormat;
    let made = 0;
    Intl.DateTimeFormat = new Proxy(real, {
      construct(target, args: ConstructorParameters<typeof Intl.DateTimeFormat>) {
        made++;
        return new target(...args);
      },
    });
    try {
      const base = Date.parse("2026-12-04T08:00:00Z");
      const shown = Array.from({ length: 100 }, (_, i) => formatDateTime(new Date(base + i * 61_000).toISOString(), "en", "Europe/Berlin"));
      expect(shown[0]).toBe("Dec 4, 2026, 9:00:00 AM UTC+1");
      expect(shown[99]).toBe("Dec 4, 2026, 10:40:39 AM UTC+1");
      expect(made).toBeLessThanOrEqual(2);
    } finally {
      Intl.DateTimeFormat = real;
    }
  });
});
