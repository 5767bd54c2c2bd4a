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
      messages: {
        m: { plural: "{n, plural, one {# second} other {# seconds}} left", other: "{n, plural, one {one second} other {{n} seconds}}", twice: "{n} of {n}" },
      },
    });
    let calls = 0;
    const plural = templateOf((n) => {
      calls++;
      return t("m.plural", { n: Number(n) });
    });
    expect(plural("1")).toBe("1 second left");
    expect(plural("5")).toBe("5 seconds left");
    expect(calls).toBeGreaterThan(2); // formatted for each call, not from a template
    // Its "other" form holds the argument once, as a template would: still "one second" for 1.
    // Given as text (a countdown's seconds are), which ICU's plural reads as the number it spells.
    const asText = t as unknown as (key: string, values: Record<string, string>) => string;
    const other = templateOf((n) => asText("m.other", { n }));
    expect(other("1")).toBe("one second");
    expect(other("7")).toBe("7 seconds");
    const twice = templateOf((n) => t("m.twice", { n }));
    expect(twice("3")).toBe("3 of 3");
  });
});
