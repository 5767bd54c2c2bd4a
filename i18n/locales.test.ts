import { describe, expect, it } from "vitest";
import { pickLocale } from "./locales";

describe("pickLocale", () => {
  it("reads Chinese for any Chinese browser and English otherwise", () => {
    expect(pickLocale(undefined, "zh-CN,zh;q=0.9,en;q=0.8")).toBe("zh-CN");
    expect(pickLocale(undefined, "zh")).toBe("zh-CN");
    expect(pickLocale(undefined, "zh-TW,en;q=0.5")).toBe("zh-CN");
    expect(pickLocale(undefined, "en-US,en;q=0.9")).toBe("en");
    expect(pickLocale(undefined, "fr-FR,de;q=0.8")).toBe("en");
    expect(pickLocale(undefined, null)).toBe("en");
    expect(pickLocale(undefined, "*")).toBe("en");
    expect(pickLocale(undefined, "en;q=0.4,zh-CN;q=0.9")).toBe("zh-CN");
  });
  it("the switch's cookie wins; a forged value is ignored", () => {
    expect(pickLocale("en", "zh-CN")).toBe("en");
    expect(pickLocale("zh-CN", "en")).toBe("zh-CN");
    expect(pickLocale("../../etc/passwd", "en")).toBe("en");
  });
});
