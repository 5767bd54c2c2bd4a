"use client";
import { useTranslations } from "next-intl";
import { useEffect, useRef } from "react";
import { useSession } from "@/components/session/session-context";
import { ConfirmAction } from "@/components/ui/confirm-action";
import { DateTime } from "@/components/ui/date-time";
import { ApiError } from "@/components/ui/fetch-json";
import type { AlertView } from "@/lib/alert-view";
import { vendorDay } from "@/lib/vendor-day";
import type Messages from "@/i18n/messages/en.json";
import { clearQuota, useAlertAction } from "./api/alert-actions";

type RunbookId = keyof (typeof Messages)["runbooks"];

/**
 * A runbook's title, text and link text in the page's language (by the id the server sends); null
 * for one this build does not know (a newer server's): it then reads in English, as sent.
 */
function useRunbookWords(id: string | undefined): { title: string; text: string; link: string | null } | null {
  const t = useTranslations("runbooks");
  if (!id || !t.has(`${id as RunbookId}.title`)) return null;
  const rb = id as RunbookId;
  return { title: t(`${rb}.title`), text: t(`${rb}.text`), link: t.has(`${rb as "whitelistIp"}.link`) ? t(`${rb as "whitelistIp"}.link`) : null };
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
      {heading && (
        <h3 className="font-medium">
          <RunbookTitle runbook={rb} />
        </h3>
      )}
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

/** The title of a runbook in the page's language; one this build does not know reads in English (and says so). */
function RunbookTitle({ runbook: rb }: { runbook: NonNullable<AlertView["runbook"]> }) {
  const t = useTranslations("alerts");
  const words = useRunbookWords(rb.id);
  return words ? t("runbook", { title: words.title }) : <span lang="en">{t("runbook", { title: rb.title })}</span>;
}

/**
 * An alert's runbook folded under its title, with its action after the text that explains it: the
 * overview's alert box, where an alert has no credential page to hold them (an app's quota).
 */
export function RunbookDisclosure({ alert: a, onCleared }: { alert: AlertView; onCleared?: (alert: AlertView) => void }) {
  const { can } = useSession();
  if (!a.runbook) return null;
  return (
    <details className="mt-1 rounded border border-red-200 bg-white/70 px-3 py-2 text-slate-800 dark:border-red-900 dark:bg-slate-900/60 dark:text-slate-200">
      <summary className="cursor-pointer text-xs font-medium">
        <RunbookTitle runbook={a.runbook} />
      </summary>
      <div className="mt-1 text-xs">
        <RunbookDetails runbook={a.runbook} heading={false} />
        {a.runbook.action && can("admin") && (
          <div className="mt-2 flex flex-wrap items-center gap-2">
            <ClearQuotaAction alert={a} onCleared={onCleared} />
          </div>
        )}
      </div>
    </details>
  );
}

/**
 * The runbook's action, WeChat clear_quota on the alert's app, for an admin (nothing for others),
 * behind a confirmation (each account has 10 resets a month), with its outcome.
 */
export function ClearQuotaAction({
  alert: a,
  appRef: pageApp,
  refusedAt,
  onCleared,
}: {
  alert: AlertView;
  appRef?: string;
  refusedAt?: string | null;
  /** Told once WeChat cleared the quota: the alert may resolve at once and take this action off the page with it. */
  onCleared?: (alert: AlertView) => void;
}) {
  const { can } = useSession();
  const t = useTranslations("alerts");
  const told = useRef({ a, onCleared });
  told.current = { a, onCleared };
  const clear = useAlertAction(async (args: { appRef: string }) => {
    const answer = await clearQuota(args);
    // Told as soon as WeChat's answer is in, before the alerts are read again: that read may find
    // the alert resolved and take this action off the page before it ever shows its outcome.
    told.current.onCleared?.(told.current.a);
    return answer;
  });
  // The button that had the focus gives way to its outcome: the focus goes there (once), not to the page's start.
  const outcome = useRef<HTMLSpanElement>(null);
  useEffect(() => {
    if (clear.isSuccess) outcome.current?.focus();
  }, [clear.isSuccess]);
  const appRef = a.appRef ?? pageApp;
  if (a.runbook?.action !== "clear-quota" || !appRef || !can("admin")) return null;
  // Done for this incident, here or anywhere (another tab, another admin, another alert of the app):
  // until the alert resolves, a second press would spend another of the month's 10 resets. Offered
  // again once the vendor refuses after the clear (`refusedAt`: the credential's last quota refusal),
  // and on a new vendors' day (a new day's quota).
  const cleared = a.quotaClearedAt;
  const clearStands = !!cleared && (!refusedAt || refusedAt < cleared) && vendorDay(new Date(cleared)) === vendorDay(new Date());
  // WeChat reset the counters but Ticket Hub could not record it: the error says so, and no button invites a second reset.
  const doneAtWechat = clear.error instanceof ApiError && (clear.error.body as { clearedAtWechat?: unknown } | null)?.clearedAtWechat === true;
  if (doneAtWechat)
    return (
      <span role="alert" className="text-xs text-red-700 dark:text-red-400">
        {clear.error!.message}
      </span>
    );
  if (clear.isSuccess || clearStands)
    return (
      <span ref={outcome} tabIndex={-1} role="status" className="text-xs text-emerald-700 outline-none dark:text-emerald-400">
        {clear.isSuccess ? t("cleared") : t.rich("clearedAt", { when: () => <DateTime at={cleared!} /> })}
      </span>
    );
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
      {clear.error && (
        <span role="alert" className="text-xs text-red-700 dark:text-red-400">
          {clear.error.message}
        </span>
      )}
    </>
  );
}
