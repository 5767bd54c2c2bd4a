"use client";
import { useTranslations } from "next-intl";
import { useAlerts } from "@/components/overview/api/get-alerts";
import type { AlertView } from "@/lib/alert-view";
import type { CredentialView } from "@/lib/credential-view";
import { useFormatDuration, useSecondsLeft } from "@/components/ui/countdown";
import { UNCONFIRMED_TEXT, useUnconfirmed } from "@/components/ui/freshness";
import { DateTime, useFormatDateTime } from "@/components/ui/date-time";
import { SentenceText } from "@/components/ui/sentence";
import { AlertActions, SilencedUntil } from "./alert-actions";
import { ClearQuotaAction, RunbookDetails } from "./runbook";

/**
 * Time to impact and the credential's open alerts with their runbooks: what breaks when, what to do
 * about it, and the actions (acknowledge, silence, WeChat clear_quota) for those allowed to take them.
 */
export function CredentialAlerts({ credential: c, clockOffsetMs }: { credential: CredentialView; clockOffsetMs: number }) {
  const alerts = useAlerts();
  const mine = (alerts.data?.open ?? []).filter((a) => a.credentialId === c.id);
  const { impact } = c;
  // Held like every countdown: a better estimate of the server's clock must not add a second.
  const left = useSecondsLeft(impact.breaksAt, clockOffsetMs);
  const unconfirmed = useUnconfirmed();
  const t = useTranslations("alerts");
  const formatDuration = useFormatDuration();
  const showImpact = impact.atRisk || impact.state === "retrying" || impact.state === "broken";
  if (!showImpact && mine.length === 0) return null;
  return (
    <section aria-label={t("region")} className="space-y-3">
      {showImpact && (
        <div
          role="status"
          className={`rounded-lg border p-3 text-sm ${impact.atRisk || impact.state === "broken" ? "border-red-300 bg-red-50 text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-200" : "border-amber-300 bg-amber-50 text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-200"}`}
        >
          <p className="font-semibold">{impact.state === "broken" ? t("broken") : impact.atRisk ? t("atRisk") : t("retrying")}</p>
          <p>
            {impact.breaksAt && impact.state !== "broken" && (
              <>
                {/* Counted from the last known expiry: grey while that is not confirmed, like the countdown. */}
                <span data-testid="breaks-at" {...unconfirmed} className={unconfirmed ? UNCONFIRMED_TEXT : undefined}>
                  {left !== null && left > 0
                    ? t.rich("breaksAtIn", { duration: formatDuration(left), when: () => <DateTime at={impact.breaksAt!} /> })
                    : t.rich("breaksAt", { when: () => <DateTime at={impact.breaksAt!} /> })}
                </span>{" "}
              </>
            )}
            {impact.refreshPossibleAt
              ? t.rich("refreshAt", { when: () => <DateTime at={impact.refreshPossibleAt!} /> })
              : impact.blockedBy
                ? t("refreshNever")
                : t("refreshNow")}
            {impact.blockedBy ? (
              <> {t.rich("blockedBy", { blocked: () => <SentenceText sentence={impact.blockedBySentence} fallback={impact.blockedBy} /> })}</>
            ) : null}
          </p>
        </div>
      )}
      {mine.map((a) => (
        <AlertCard key={a.id} alert={a} appRef={c.appRef} refusedAt={c.lastError?.class === "quota-exhausted" ? c.lastError.at : null} />
      ))}
    </section>
  );
}

function AlertCard({ alert: a, appRef, refusedAt }: { alert: AlertView; appRef: string; refusedAt: string | null }) {
  const t = useTranslations("alerts");
  const time = useFormatDateTime();
  const rb = a.runbook;
  const headingId = `alert-${a.id}`;
  return (
    <article aria-labelledby={headingId} className="rounded-lg border border-red-200 bg-white p-4 text-sm shadow-sm dark:border-red-900 dark:bg-slate-900">
      <h2 id={headingId} className="font-semibold text-red-800 dark:text-red-300">
        {t.rich("openAlert", { kind: a.kind, code: (chunks) => <span translate="no">{chunks}</span> })}
      </h2>
      <p className="mt-1 break-words">
        <SentenceText sentence={a.messageSentence} fallback={a.message} />
      </p>
      <p className="mt-1 text-xs text-slate-600 dark:text-slate-400">
        {t("opened", { time: time(a.openedAt) })}
        {a.acknowledgedAt ? t("acknowledgedBy", { user: a.acknowledgedBy ?? "?", time: time(a.acknowledgedAt) }) : t("notAcknowledged")}
        <SilencedUntil alert={a} />
      </p>
      {rb && (
        <div className="mt-3 border-t border-slate-200 pt-3 dark:border-slate-800">
          <RunbookDetails runbook={rb} />
        </div>
      )}
      <div className="mt-3 flex flex-wrap items-center gap-2">
        <AlertActions alert={a} />
        <ClearQuotaAction alert={a} appRef={appRef} refusedAt={refusedAt} />
      </div>
    </article>
  );
}
