import { createTranslator } from "next-intl";
import { describe, expect, it } from "vitest";
import en from "@/i18n/messages/en.json";
import zh from "@/i18n/messages/zh-CN.json";
import { templateOf } from "./message-template";

describe("a message formatted once for a countdown's ticks", () => {
  it("reads as next-intl formats it, in both languages, for the messages the ticks paint", () => {
    for (const [locale, messages] of [
      ["en", en],
      ["zh-CN", zh],
    ] as const) {
      const t = createTranslator({ locale, messages });
      const cases: [(v: string) => string, string][] = [
        [(seconds) => t("countdown.expiresIn", { seconds }), "7199"],
        [(duration) => t("overview.inDuration", { duration }), "1h 59m 58s"],
        [(duration) => t("overview.stillValid", { duration }), "59s"],
      ];
      for (const [format, value] of cases) expect(templateOf(format)(value)).toBe(format(value));
    }
  });

  it("formats every time a message that uses its argument otherwise (a plural, twice)", () => {
    const t = createTranslator({
      locale: "en",
      messages: { m: { plural: "{n, plural, one {# second} other {# seconds}} left", twice: "{n} of {n}" } },
    });
    let calls = 0;
    const plural = templateOf((n) => {
      calls++;
      return t("m.plural", { n: Number(n) });
    });
    expect(plural("1")).toBe("1 second left");
    expect(plural("5")).toBe("5 seconds left");
    expect(calls).toBe(3);
    const twice = templateOf((n) => t("m.twice", { n }));
    expect(twice("3")).toBe("3 of 3");
  });
});
