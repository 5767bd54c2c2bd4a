import { describe, expect, it } from "vitest";
import { nextVendorDayStart, vendorDay, vendorDayStart } from "./vendor-day";

describe("the vendors' day (UTC+8)", () => {
  it("turns over at 16:00 UTC", () => {
    expect(vendorDay(new Date("2026-11-22T15:59:59Z"))).toBe("2026-11-22");
    expect(vendorDay(new Date("2026-11-22T16:00:00Z"))).toBe("2026-11-23");
  });
  it("gives the start of the day and the next reset", () => {
    const at = new Date("2026-11-22T03:00:00Z"); // 11:00 in Beijing
    expect(vendorDayStart(at).toISOString()).toBe("2026-11-21T16:00:00.000Z");
    expect(nextVendorDayStart(at).toISOString()).toBe("2026-11-22T16:00:00.000Z");
    expect(nextVendorDayStart(new Date("2026-11-22T16:00:00Z")).toISOString()).toBe("2026-11-23T16:00:00.000Z");
  });
});
