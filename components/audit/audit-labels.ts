"use client";
import { useTranslations } from "next-intl";
import type en from "@/i18n/messages/en.json";

type ActionKey = keyof typeof en.audit.actions;
type OutcomeKey = keyof typeof en.audit.outcomes;
type FailureKey = keyof typeof en.audit.failures;

// Outcomes the server writes (grep `outcome:` in server/), each with its message key.
const OUTCOMES: Record<string, OutcomeKey> = {
  ok: "ok",
  "signed in": "signedIn",
  "signed out": "signedOut",
  issued: "issued",
  refreshed: "refreshed",
  "joined a running refresh": "joined",
  skipped: "skipped",
  valid: "valid",
  invalid: "invalid",
  error: "error",
  "valid locally": "validLocally",
  "not valid locally": "notValidLocally",
  "invalid code": "invalidCode",
  "first admin created on the first-run screen": "firstAdmin",
  "wrong username or password": "wrongPassword",
};
const ATTACK = /^failed: (\d+) wrong passwords for (.+) from (\d+) addresses within (\d+) min$/;

/** An action key nobody labelled yet, made readable: "alert.silence-until" → "Alert: silence until". */
export function readableAction(action: string): string {
  const [head = "", ...rest] = action.split(".");
  const words = (s: string) => s.replace(/[-_]+/g, " ").trim();
  const first = words(head);
  const title = first.charAt(0).toUpperCase() + first.slice(1);
  return rest.length ? `${title}: ${rest.map(words).join(" ")}` : title;
}

/** Labels for the audit log's actions and outcomes in the page's language; unknown ones stay readable. */
export function useAuditLabels() {
  const t = useTranslations("audit");
  const actionLabel = (action: string): string => {
    const key = action.replace(/\./g, "_") as ActionKey;
    return t.has(`actions.${key}`) ? t(`actions.${key}`) : readableAction(action);
  };
  const reason = (r: string): string => {
    if (OUTCOMES[r]) return t(`outcomes.${OUTCOMES[r]}`);
    const failure = r as FailureKey;
    return t.has(`failures.${failure}`) ? t(`failures.${failure}`) : r;
  };
  const outcomeLabel = (outcome: string): string => {
    const attack = ATTACK.exec(outcome);
    if (attack) {
      const [, failures = "", username = "", addresses = "", minutes = ""] = attack;
      return t("attack", { failures, username, addresses, minutes });
    }
    if (outcome.startsWith("failed: ")) return t("failed", { reason: reason(outcome.slice("failed: ".length)) });
    return reason(outcome);
  };
  return { actionLabel, outcomeLabel };
}
