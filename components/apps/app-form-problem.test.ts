import { createTranslator } from "use-intl/core";
import { describe, expect, it } from "vitest";
import zh from "@/i18n/messages/zh-CN.json";
import { appInputSchema } from "@/lib/app-input";
import { appFormProblem } from "./app-form-problem";

// Every rule of the Apps form that the shared schema words in English reaches a Chinese page in Chinese.
const t = createTranslator({ locale: "zh-CN", messages: zh, namespace: "appForm" }) as unknown as Parameters<typeof appFormProblem>[0];
const base = { vendor: "wechat", name: "Shop", appId: "wx1234567890abcdef", secret: "s", baseUrl: "sandbox" };

function problems(input: Record<string, unknown>): [string, string, string][] {
  const parsed = appInputSchema.safeParse({ ...base, ...input });
  if (parsed.success) throw new Error(`expected ${JSON.stringify(input)} to be refused`);
  return parsed.error.issues.map((i) => {
    const field = String(i.path[0]);
    return [field, i.message, appFormProblem(t, field, i.message, { vendor: "wechat", example: "wx1234567890abcdef" })];
  });
}

describe("the Apps form's rules in Chinese", () => {
  it.each([
    ["a fraction out of range", { policy: JSON.stringify({ schedules: { access_token: { refreshAtFraction: 2 } } }) }],
    ["seconds out of range", { policy: JSON.stringify({ schedules: { access_token: { everySeconds: 5 } } }) }],
    ["two cadences at once", { policy: JSON.stringify({ schedules: { access_token: { everySeconds: 600, refreshAtFraction: 0.5 } } }) }],
    ["an unknown setting", { policy: JSON.stringify({ schedules: { access_token: { often: 1 } } }) }],
    ["a token path on a WeChat app", { tokenPath: "/OAuth2/accessToken" }],
    ["stable_token on Feishu", { vendor: "feishu", appId: "cli_0123456789abcdef", tokenVariant: "stable_token" }],
    ["a token path that escapes", { vendor: "yzb", appId: "yzbdemo1", tokenPath: "//evil/x" }],
  ])("%s", (_, input) => {
    for (const [field, english, shown] of problems(input)) {
      if (field === "appId") continue;
      expect(shown, `${field}: ${english}`).not.toBe(english);
      expect(shown).toMatch(/[\u4e00-\u9fff]/);
    }
  });
});
