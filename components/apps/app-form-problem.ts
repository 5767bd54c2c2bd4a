import type { useTranslations } from "next-intl";
import type { VendorId } from "@/lib/credential-kinds";
import { VENDOR_PATH_RULE } from "@/lib/vendor-path";

type T = ReturnType<typeof useTranslations<"appForm">>;

/**
 * A rule the app's input breaks (the shared schema's English, lib/app-input.ts, from the browser's
 * own check or the server's 400), in the page's language. A rule without a translation keeps the
 * schema's words.
 */
export function appFormProblem(t: T, field: string, message: string, app: { vendor: VendorId; example: string }): string {
  const max = /^must be at most (\d+) characters$/.exec(message);
  if (message === "is required") return t("errors.required");
  if (max) return t("errors.tooLong", { max: Number(max[1]) });
  if (field === "appId" && message.startsWith("must be ")) return t("errors.appId", { rule: t(`appIdRules.${app.vendor}`), example: app.example });
  if (field === "baseUrl" && message.startsWith("must be ")) return t("errors.baseUrl");
  if (field === "baseUrl" && message.endsWith("publishes no API host: enter its https:// origin")) return t("errors.noLiveHost", { vendor: app.vendor });
  if (field === "policy") {
    if (message === "must be a JSON object") return t("errors.policyJson");
    const kib = /^must be at most (\d+) KiB of JSON$/.exec(message);
    if (kib) return t("errors.policyTooLong", { kib: Number(kib[1]) });
    const num = /^(.+?): must be a number from (\S+) to (\S+)$/.exec(message);
    if (num) return t("errors.policyNumber", { path: num[1]!, min: num[2]!, max: num[3]! });
    const secs = /^(.+?): must be whole seconds from (\d+) to (\d+)$/.exec(message);
    if (secs) return t("errors.policySeconds", { path: secs[1]!, min: secs[2]!, max: secs[3]! });
    const one = /^(.+?): choose one of (.+)$/.exec(message);
    if (one) return t("errors.policyOneOf", { path: one[1]!, options: one[2]! });
    const cadence = /^(.+?): .*(?:adding up to at most|must be at most) (\d+)/.exec(message);
    if (cadence) return t("errors.policyCadence", { path: cadence[1]!, seconds: Number(cadence[2]) });
    const unknown = /^(.*?): Unrecognized keys?: (.+)$/.exec(message);
    if (unknown) return t("errors.policyUnknown", { path: unknown[1]!, keys: unknown[2]! });
  }
  if (field === "tokenPath" && message === VENDOR_PATH_RULE) return t("errors.tokenPathRule");
  if (field === "tokenPath" && message === "only yzb apps take a token path") return t("errors.tokenPathYzbOnly");
  if (field === "tokenVariant" && message === "stable_token exists only for WeChat") return t("errors.stableTokenWechat");
  return message;
}
