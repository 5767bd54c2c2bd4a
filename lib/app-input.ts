import { z } from "zod";
import { requiredText, textIn } from "./input-rules";
import { VENDORS, type VendorId } from "./credential-kinds";
import { cadenceProblem, policyOverridesSchema, type PolicyOverrides } from "./policy-overrides";
import { isPlainVendorPath, VENDOR_PATH_RULE } from "./vendor-path";

/** The vendors' production API hosts; "sandbox" points an app at the built-in vendor sandbox. */
export const LIVE_BASE_URLS: Partial<Record<VendorId, string>> = {
  wechat: "https://api.weixin.qq.com",
  feishu: "https://open.feishu.cn",
  faceid: "https://miniprogram-kyc.tencentcloudapi.com",
};

/**
 * The vendors' own API hosts an app may point at (no SSRF through the Apps form): the documented
 * production host plus WeChat's regional and Lark's international ones. Others must be allowed
 * by the operator in TICKETHUB_ALLOWED_BASE_URLS.
 */
export const VENDOR_HOSTS: Record<VendorId, readonly string[]> = {
  wechat: [
    "https://api.weixin.qq.com",
    "https://api2.weixin.qq.com",
    "https://sh.api.weixin.qq.com",
    "https://sz.api.weixin.qq.com",
    "https://hk.api.weixin.qq.com",
  ],
  feishu: ["https://open.feishu.cn", "https://open.larksuite.com"],
  faceid: ["https://miniprogram-kyc.tencentcloudapi.com"],
  yzb: [],
};

/** How each vendor's app id looks (the vendors' consoles hand them out in these shapes). */
export const APP_ID_RULES: Record<VendorId, { pattern: RegExp; rule: string; example: string }> = {
  wechat: { pattern: /^wx[0-9A-Za-z]{16}$/, rule: '"wx" and 16 letters or digits', example: "wx1234567890abcdef" },
  feishu: { pattern: /^cli_[0-9A-Za-z]{16}$/, rule: '"cli_" and 16 letters or digits', example: "cli_a1b2c3d4e5f6a7b8" },
  faceid: { pattern: /^[0-9A-Za-z]{8}$/, rule: "8 letters or digits (the WBappid)", example: "IDAabcd1" },
  yzb: { pattern: /^[0-9A-Za-z_-]{1,64}$/, rule: "1–64 letters, digits, _ or -", example: "yzbapp01" },
};

/** Policy overrides are a few schedules, quotas and a URL: 8 KiB is generous, and it bounds the parse. */
export const MAX_POLICY_CHARS = 8 * 1024;

const policyJson = z
  .string()
  .max(MAX_POLICY_CHARS, { error: `must be at most ${MAX_POLICY_CHARS / 1024} KiB of JSON` })
  .superRefine((text, ctx) => {
    if (!text.trim()) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      ctx.addIssue({ code: "custom", message: "must be a JSON object" });
      return;
    }
    const r = policyOverridesSchema.safeParse(parsed);
    if (!r.success) {
      const i = r.error.issues[0]!;
      ctx.addIssue({ code: "custom", message: `${i.path.join(".") || "value"}: ${i.message}` });
    }
  });

/** The policy text as overrides, or null when it is empty or not valid (policyJson says why). */
function parsedPolicy(text: string): PolicyOverrides | null {
  if (!text.trim()) return null;
  try {
    const r = policyOverridesSchema.safeParse(JSON.parse(text));
    return r.success ? r.data : null;
  } catch {
    return null;
  }
}

/**
 * An app as the Apps form submits it. `secret` may be left empty when editing (the stored one
 * stays: it is write-only). `baseUrl` is "sandbox", "live", or an https URL.
 */
export const appInputSchema = z
  .object({
    vendor: z.enum(VENDORS, { error: `must be one of ${VENDORS.join(", ")}` }),
    name: textIn(60, { required: true, trim: true }),
    appId: requiredText({ trim: true }),
    secret: textIn(256).optional(),
    baseUrl: requiredText({ trim: true }),
    tokenVariant: z.enum(["default", "token", "stable_token"], { error: 'must be "token" or "stable_token"' }).default("default"),
    tokenPath: z.string().trim().max(200).optional(),
    policy: policyJson.default(""),
  })
  .strict()
  .superRefine((v, ctx) => {
    const idRule = APP_ID_RULES[v.vendor];
    if (!idRule.pattern.test(v.appId)) ctx.addIssue({ code: "custom", path: ["appId"], message: `must be ${idRule.rule}, e.g. ${idRule.example}` });
    if (v.baseUrl !== "sandbox" && v.baseUrl !== "live") {
      let ok = false;
      try {
        const u = new URL(v.baseUrl);
        ok = u.protocol === "https:" && !u.username && !u.password && u.pathname === "/" && !u.search && !u.hash;
      } catch {
        ok = false;
      }
      if (!ok) ctx.addIssue({ code: "custom", path: ["baseUrl"], message: 'must be "sandbox", "live", or an https:// origin such as https://api.example.com' });
    }
    if (v.baseUrl === "live" && !LIVE_BASE_URLS[v.vendor]) {
      ctx.addIssue({ code: "custom", path: ["baseUrl"], message: `${v.vendor} publishes no API host: enter its https:// origin` });
    }
    // A vendor's prescribed cadence depends on the vendor, so it is checked here rather than in the policy's own schema.
    const policy = parsedPolicy(v.policy);
    const late = policy ? cadenceProblem(v.vendor, policy) : null;
    if (late) ctx.addIssue({ code: "custom", path: ["policy"], message: `${late.path}: ${late.message}` });
    if (v.tokenVariant === "stable_token" && v.vendor !== "wechat")
      ctx.addIssue({ code: "custom", path: ["tokenVariant"], message: "stable_token exists only for WeChat" });
    // The path is joined to the app's base URL and the app secret is posted there: it must not be
    // able to name another host ("//evil.example/x") or climb out of the vendor's API.
    if (v.tokenPath && (v.vendor !== "yzb" || !isPlainVendorPath(v.tokenPath))) {
      ctx.addIssue({ code: "custom", path: ["tokenPath"], message: v.vendor !== "yzb" ? "only yzb apps take a token path" : VENDOR_PATH_RULE });
    }
  });
export type AppInput = z.input<typeof appInputSchema>;

export const appViewSchema = z.object({
  id: z.string(),
  vendor: z.string(),
  vendorLabel: z.string(),
  name: z.string(),
  appId: z.string(),
  baseUrl: z.string(),
  baseUrlKind: z.enum(["sandbox", "live", "custom"]),
  tokenVariant: z.string(),
  tokenPath: z.string().nullable(),
  policy: z.string(),
  enabled: z.boolean(),
  demo: z.boolean(),
  credentials: z.number(),
  updatedAt: z.string(),
  /** The app's own alert channel (PUT /api/apps/:id/alert-channel): its type and host only, never the URL's path or the secret. */
  alertChannel: z.object({ type: z.enum(["webhook", "feishu", "dingtalk", "wecom"]), host: z.string(), signed: z.boolean() }).nullable(),
});
export type AppView = z.infer<typeof appViewSchema>;
