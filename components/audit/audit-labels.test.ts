import { describe, expect, it } from "vitest";
import { readableAction } from "./audit-labels";

describe("readableAction", () => {
  it("makes an action nobody labelled yet readable instead of showing its raw key", () => {
    expect(readableAction("alert.acknowledge")).toBe("Alert: acknowledge");
    expect(readableAction("yzb.exchange-code")).toBe("Yzb: exchange code");
    expect(readableAction("quota_clear")).toBe("Quota clear");
  });
});
