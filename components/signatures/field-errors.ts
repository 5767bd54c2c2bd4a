"use client";
import { useTranslations } from "next-intl";

/** The rule a field breaks, beyond "required" and "too long": one message each, in the page's language. */
export type FormatRule = "url" | "nonceStr" | "timestamp" | "credentialId" | "ticket" | "pageSignature" | "wbappid" | "userId" | "faceNonceStr" | "version";

type Issue = { code: string; path: readonly PropertyKey[]; maximum?: unknown };
type Checked = { success: true } | { success: false; error: { issues: readonly Issue[] } };

/**
 * Every field the shared schema (lib/signature-input.ts) refuses, each with the first rule it
 * breaks, said in the page's language: what the form shows beside each field, all at once.
 * `raw` holds what was typed (an empty field is "required", whatever the schema's wording).
 */
export function useFieldErrors() {
  const t = useTranslations("signatures.errors");
  return (checked: Checked, raw: Record<string, string>, rules: Record<string, FormatRule>): Record<string, string> => {
    const out: Record<string, string> = {};
    if (checked.success) return out;
    for (const issue of checked.error.issues) {
      const field = String(issue.path[0] ?? "");
      if (!field || out[field]) continue;
      const rule = rules[field] ?? "ticket";
      if (rule === "credentialId") out[field] = t("credentialId");
      else if ((raw[field] ?? "").trim() === "") out[field] = t("required");
      else if (issue.code === "too_big" && typeof issue.maximum === "number" && rule !== "timestamp") out[field] = t("tooLong", { max: String(issue.maximum) });
      else out[field] = t(rule);
    }
    return out;
  };
}
