import { describe, expect, it } from "vitest";
import { CREDENTIAL_KINDS, kindSpec, VENDOR_KINDS, VENDOR_LABELS, VENDORS } from "./credential-kinds";

describe("the vendor catalog", () => {
  it("derives the vendor and kind lists in the catalog's order", () => {
    expect(VENDORS).toEqual(["wechat", "feishu", "faceid", "yzb"]);
    expect(CREDENTIAL_KINDS).toEqual(["access_token", "jsapi_ticket", "wx_card_ticket", "sign_ticket", "js_ticket"]);
    expect(VENDOR_LABELS.faceid).toBe("Tencent FaceID");
  });

  it("gives every vendor a token and tickets fetched with it", () => {
    for (const v of VENDORS) {
      expect(VENDOR_KINDS[v][0]).toMatchObject({ kind: "access_token", parent: null });
      for (const k of VENDOR_KINDS[v].slice(1)) expect(k.parent).toBe("access_token");
    }
    expect(kindSpec("yzb", "js_ticket")?.label).toBe("js_ticket");
    expect(kindSpec("feishu", "sign_ticket")).toBeUndefined();
  });
});
