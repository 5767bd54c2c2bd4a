"use client";
import { useQuery } from "@tanstack/react-query";
import { useSession } from "@/components/session/session-context";
import { alertsQueryOptions } from "@/components/overview/api/get-alerts";
import { ConfirmAction } from "@/components/ui/confirm-action";
import { small } from "@/components/ui/styles";
import { useNow } from "@/components/ui/use-now";
import type { AlertView } from "@/lib/alert-view";
import type { CredentialView } from "@/lib/credential-view";
import { formatDuration, remainingSeconds } from "@/lib/time";
import { acknowledgeAlert, clearQuota, silenceAlert, useAlertAction } from "./api/alert-actions";

const time = (iso: string) => new Date(iso).toLocaleString();

/**
 * Time to impact and the credential's open alerts with their runbooks: what breaks when, what to do
 * about it, and the actions (acknowledge, silence, WeChat clear_quota) for those allowed to take them.
 */
export function CredentialAlerts({ credential: c, clockOffsetMs }: { credential: CredentialView; clockOffsetMs: number }) {
  const alerts = useQuery(alertsQueryOptions);
  const mine = (alerts.data?.open ?? []).filter((a) => a.credentialId === c.id);
  const { impact } = c;
  const now = useNow();
  const showImpact = impact.atRisk || impact.state === "retrying" || impact.state === "broken";
  if (!showImpact && mine.length === 0) return null;
  const left = impact.breaksAt && now ? remainingSeconds(impact.breaksAt, now, clockOffsetMs) : null;
  return (
    <section aria-label="Time to impact and alerts" className="space-y-3">
      {showImpact && (
        <div
          role="status"
          className={`rounded-lg border p-3 text-sm ${impact.atRisk || impact.state === "broken" ? "border-red-300 bg-red-50 text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-200" : "border-amber-300 bg-amber-50 text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-200"}`}
        >
          <p className="font-semibold">
            {impact.state === "broken"
              ? "Broken: no valid value, clients are failing now"
              : impact.atRisk
                ? "At risk: clients break before a refresh can succeed"
                : "Retrying: a refresh failed, the value is still fine"}
          </p>
          <p>
            {impact.breaksAt && impact.state !== "broken" && (
              <>
                Clients break at <time dateTime={impact.breaksAt}>{time(impact.breaksAt)}</time>
                {left !== null && left > 0 ? ` (in ${formatDuration(left)})` : ""}.{" "}
              </>
            )}
            {impact.refreshPossibleAt ? (
              <>
                A refresh can succeed at <time dateTime={impact.refreshPossibleAt}>{time(impact.refreshPossibleAt)}</time>.
              </>
            ) : impact.blockedBy ? (
              "No refresh can succeed until the app's configuration is changed."
            ) : (
              "A refresh can succeed now."
            )}
            {impact.blockedBy ? ` (${impact.blockedBy})` : ""}
          </p>
        </div>
      )}
      {mine.map((a) => (
        <AlertCard key={a.id} alert={a} appRef={c.appRef} />
      ))}
    </section>
  );
}

function AlertCard({ alert: a, appRef }: { alert: AlertView; appRef: string }) {
  const { can } = useSession();
  const ack = useAlertAction(acknowledgeAlert);
  const silence = useAlertAction(silenceAlert);
  const clear = useAlertAction(clearQuota);
  const error = ack.error ?? silence.error ?? clear.error;
  const rb = a.runbook;
  const headingId = `alert-${a.id}`;
  return (
    <article aria-labelledby={headingId} className="rounded-lg border border-red-200 bg-white p-4 text-sm shadow-sm dark:border-red-900 dark:bg-slate-900">
      <h2 id={headingId} className="font-semibold text-red-800 dark:text-red-300">
        Open alert: {a.kind}
      </h2>
      <p className="mt-1 break-words">{a.message}</p>
      <p className="mt-1 text-xs text-slate-600 dark:text-slate-400">
        Opened {time(a.openedAt)}
        {a.acknowledgedAt ? ` · acknowledged by ${a.acknowledgedBy} at ${time(a.acknowledgedAt)}` : " · not acknowledged"}
        {a.silencedUntil ? ` · notifications silenced until ${time(a.silencedUntil)}` : ""}
      </p>
      {rb && (
        <div className="mt-3 border-t border-slate-200 pt-3 dark:border-slate-800">
          <h3 className="font-medium">Runbook: {rb.title}</h3>
          <p className="mt-1">{rb.text}</p>
          {rb.addresses && rb.addresses.length > 0 && (
            <p className="mt-1">
              This host&apos;s addresses: <span className="font-mono">{rb.addresses.join(", ")}</span> — whitelist the address your egress NAT uses if there is
              one.
            </p>
          )}
          {rb.href && (
            <a
              href={rb.href}
              className="mt-1 inline-block text-sky-700 underline dark:text-sky-400"
              {...(rb.href.startsWith("http") ? { target: "_blank", rel: "noreferrer" } : {})}
            >
              {rb.linkText ?? rb.href}
            </a>
          )}
        </div>
      )}
      <div className="mt-3 flex flex-wrap items-center gap-2">
        {can("operator") && !a.acknowledgedAt && (
          <button type="button" className={small} disabled={ack.isPending} onClick={() => ack.mutate({ id: a.id })}>
            Acknowledge
          </button>
        )}
        {can("operator") &&
          (a.silencedUntil ? (
            <button type="button" className={small} disabled={silence.isPending} onClick={() => silence.mutate({ id: a.id, minutes: 0 })}>
              End silence
            </button>
          ) : (
            <>
              <button type="button" className={small} disabled={silence.isPending} onClick={() => silence.mutate({ id: a.id, minutes: 60 })}>
                Silence 1 h
              </button>
              <button type="button" className={small} disabled={silence.isPending} onClick={() => silence.mutate({ id: a.id, minutes: 24 * 60 })}>
                Silence 24 h
              </button>
            </>
          ))}
        {rb?.action === "clear-quota" && can("admin") && (
          <ConfirmAction
            title="Reset the app's WeChat quota?"
            confirmLabel="Clear quota"
            disabled={clear.isPending}
            body="WeChat's clear_quota resets today's call counters of this app. Each account has 10 resets a month; the paused credentials refresh right after."
            onConfirm={() => clear.mutate({ appRef })}
          >
            Clear quota (WeChat clear_quota)
          </ConfirmAction>
        )}
        {clear.isSuccess && (
          <span role="status" className="text-xs text-emerald-700 dark:text-emerald-400">
            Quota cleared: paused credentials refresh now.
          </span>
        )}
        {error && (
          <span role="alert" className="text-xs text-red-700 dark:text-red-400">
            {error.message}
          </span>
        )}
      </div>
    </article>
  );
}
