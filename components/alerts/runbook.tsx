"use client";
import { useTranslations } from "next-intl";
import { useSession } from "@/components/session/session-context";
import { ConfirmAction } from "@/components/ui/confirm-action";
import type { AlertView } from "@/lib/alert-view";
import { clearQuota, useAlertAction } from "./api/alert-actions";

const RUNBOOKS = [
  "whitelistIp",
  "quotaWechat",
  "quota",
  "quotaWechatCount",
  "quotaAppLimit",
  "wrongAppId",
  "wrongApp",
  "refusedAfterRenewal",
  "atRisk",
] as const;
type RunbookId = (typeof RUNBOOKS)[number];
const WITH_LINK: readonly string[] = ["whitelistIp", "quotaAppLimit", "wrongAppId", "wrongApp", "refusedAfterRenewal"] satisfies RunbookId[];

/** A runbook's title, text and link text in the page's language (by the id the server sends); null for one this build does not know. */
function useRunbookWords(id: string | undefined): { title: string; text: string; link: string | null } | null {
  const t = useTranslations("runbooks");
  if (!id || !(RUNBOOKS as readonly string[]).includes(id)) return null;
  const rb = id as RunbookId;
  return { title: t(`${rb}.title`), text: t(`${rb}.text`), link: WITH_LINK.includes(rb) ? t(`${rb as "whitelistIp"}.link`) : null };
}

/**
 * What to do about an alert (server/alerts/runbook.ts): its title, text, the addresses to whitelist
 * and where to act. In the page's language; a runbook this build does not know reads in English.
 */
export function RunbookDetails({ runbook: rb, heading = true }: { runbook: NonNullable<AlertView["runbook"]>; heading?: boolean }) {
  const t = useTranslations("alerts");
  const words = useRunbookWords(rb.id);
  return (
    <>
      {heading && <h3 className="font-medium">{t("runbook", { title: words ? words.title : rb.title })}</h3>}
      <p className="mt-1" {...(words ? {} : { lang: "en" })}>
        {words ? words.text : rb.text}
      </p>
      {rb.seenAddress && (
        <p className="mt-1" data-testid="seen-address">
          {t.rich("seenAddress", { address: rb.seenAddress, addr: (chunks) => <span className="font-mono">{chunks}</span> })}
        </p>
      )}
      {rb.addresses && rb.addresses.length > 0 && (
        <p className="mt-1">{t.rich("addresses", { addresses: rb.addresses.join(", "), addr: (chunks) => <span className="font-mono">{chunks}</span> })}</p>
      )}
      {rb.href && (
        <a
          href={rb.href}
          className="mt-1 inline-block text-sky-700 underline dark:text-sky-400"
          {...(rb.href.startsWith("http") ? { target: "_blank", rel: "noreferrer" } : {})}
        >
          {words?.link ?? <span lang="en">{rb.linkText ?? rb.href}</span>}
        </a>
      )}
    </>
  );
}

/** The runbook folded under its title (the overview's alert box, where an alert has no credential page to hold it). */
export function RunbookDisclosure({ runbook: rb }: { runbook: NonNullable<AlertView["runbook"]> }) {
  const t = useTranslations("alerts");
  const words = useRunbookWords(rb.id);
  return (
    <details className="mt-1 rounded border border-red-200 bg-white/70 px-3 py-2 text-slate-800 dark:border-red-900 dark:bg-slate-900/60 dark:text-slate-200">
      <summary className="cursor-pointer text-xs font-medium">{t("runbook", { title: words ? words.title : rb.title })}</summary>
      <div className="mt-1 text-xs">
        <RunbookDetails runbook={rb} heading={false} />
      </div>
    </details>
  );
}

/**
 * The runbook's action, WeChat clear_quota on the alert's app, for an admin (nothing for others),
 * behind a confirmation (each account has 10 resets a month), with its outcome.
 */
export function ClearQuotaAction({ alert: a, appRef: pageApp }: { alert: AlertView; appRef?: string }) {
  const { can } = useSession();
  const t = useTranslations("alerts");
  const clear = useAlertAction(clearQuota);
  const appRef = a.appRef ?? pageApp;
  if (a.runbook?.action !== "clear-quota" || !appRef || !can("admin")) return null;
  return (
    <>
      <ConfirmAction
        title={t("clearTitle")}
        confirmLabel={t("clearConfirm")}
        disabled={clear.isPending}
        body={t("clearBody")}
        onConfirm={() => clear.mutate({ appRef })}
      >
        {t("clearButton")}
      </ConfirmAction>
      {clear.isSuccess && (
        <span role="status" className="text-xs text-emerald-700 dark:text-emerald-400">
          {t("cleared")}
        </span>
      )}
      {clear.error && (
        <span role="alert" className="text-xs text-red-700 dark:text-red-400">
          {clear.error.message}
        </span>
      )}
    </>
  );
}
