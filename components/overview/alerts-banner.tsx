"use client";
import { useTranslations } from "next-intl";
import { useCallback, useEffect, useRef, useState } from "react";
import { AlertActions, SilencedUntil } from "@/components/alerts/alert-actions";
import { RunbookDisclosure } from "@/components/alerts/runbook";
import { useBannerAlerts } from "@/components/overview/api/get-alerts";
import { DateTime } from "@/components/ui/date-time";
import type { AlertView } from "@/lib/alert-view";
import { SentenceText } from "@/components/ui/sentence";

const KINDS = ["at-risk", "refresh-failing", "expiring", "quota"] as const;
const isKind = (k: string): k is (typeof KINDS)[number] => (KINDS as readonly string[]).includes(k);

/**
 * Open alert incidents, above the overview; nothing when all is well. Silenced ones only as a quiet
 * count (who silenced them, until when: on the credential page); acknowledged ones last, marked. An
 * alert with no credential page (an app's quota running low) gets its acknowledge and silence
 * buttons here, and is listed when silenced, with the button that ends it.
 */
export function AlertsBanner() {
  const { data } = useBannerAlerts();
  const t = useTranslations("overview");
  const tAlerts = useTranslations("alerts");
  const { note: cleared, onCleared } = useClearedNote(data);
  if (!data || (data.shown.length === 0 && data.silenced.length === 0)) return cleared;
  const pageless = data.silenced.filter((a) => !a.credentialId);
  const silenced =
    data.silenced.length > 0 ? (
      <div data-testid="alerts-silenced" className="text-xs text-slate-600 dark:text-slate-400">
        {data.silenced.length > pageless.length && <p>{tAlerts("bannerSilenced", { count: data.silenced.length - pageless.length })}</p>}
        {pageless.length > 0 && <p>{tAlerts("bannerSilencedHere", { count: pageless.length })}</p>}
        {pageless.length > 0 && (
          <ul className="mt-1 space-y-1">
            {pageless.map((a) => (
              <li key={a.id} className="flex flex-wrap items-center gap-2">
                <span>
                  <SentenceText sentence={a.messageSentence} fallback={a.message} />
                  <SilencedUntil alert={a} />
                </span>
                <AlertActions alert={a} />
              </li>
            ))}
          </ul>
        )}
      </div>
    ) : null;
  if (data.shown.length === 0)
    return (
      <>
        {cleared}
        {silenced}
      </>
    );
  return (
    <>
      {cleared}
      <section
        data-alerts-box
        aria-labelledby="alerts-title"
        className="rounded-lg border border-red-200 bg-red-50 p-4 text-sm text-red-900 dark:border-red-900 dark:bg-red-950 dark:text-red-100"
      >
        <h2 id="alerts-title" className="font-semibold">
          {t("alertsTitle", { count: data.shown.length })}
        </h2>
        <ul className="mt-2 space-y-1">
          {data.shown.map((a) => (
            <li key={a.id}>
              <span className="font-medium">
                {/* A failure class (bad-config, quota-exhausted…) is a code: it reads the same in every language. */}
                {isKind(a.kind) ? t(`alertKinds.${a.kind}`) : <span translate="no">{a.kind}</span>}:
              </span>{" "}
              <SentenceText sentence={a.messageSentence} fallback={a.message} />{" "}
              <span className="text-xs text-red-800 dark:text-red-300">
                {t.rich("since", { when: () => <DateTime at={a.openedAt} /> })} ·{" "}
                {a.deliveryError ? (
                  <>
                    {t("webhookError")} <SentenceText sentence={a.deliveryErrorSentence} fallback={a.deliveryError} />
                  </>
                ) : a.notified ? (
                  t("webhookSent")
                ) : (
                  t("noWebhook")
                )}
                {a.acknowledgedAt && <> · {tAlerts("bannerAcknowledged", { user: a.acknowledgedBy ?? "?" })}</>}
              </span>
              {a.credentialId ? (
                <a href={`/credentials/${a.credentialId}`} className="ml-2 text-xs underline">
                  {t("details")}
                </a>
              ) : (
                <span className="ml-2 inline-flex flex-wrap items-center gap-2 align-middle">
                  <AlertActions alert={a} />
                </span>
              )}
              {/* No credential page to hold it: the runbook opens here (an app's quota: raise its limit, or clear_quota). */}
              {!a.credentialId && <RunbookDisclosure alert={a} onCleared={onCleared} />}
            </li>
          ))}
        </ul>
        {silenced && <div className="mt-2">{silenced}</div>}
      </section>
    </>
  );
}

/** How long after a clear the note waits for the alert to resolve: after that the alert's own line says it. */
const NOTE_WINDOW_MS = 60_000;

/**
 * After a clear_quota made here, the app's quota alert resolves within a second and leaves the
 * box, with the "Quota cleared" line that had the focus: this says it instead, where the box was,
 * and takes the focus back if the box had it and it fell to the page (not from wherever the user
 * went meanwhile). It stays until dismissed or the page is left; an alert still open a minute after
 * the clear (WeChat refused again) is left to its own line, and no note comes when it resolves later.
 */
function useClearedNote(data: { shown: AlertView[]; silenced: AlertView[] } | undefined) {
  const t = useTranslations("alerts");
  const [cleared, setCleared] = useState<AlertView | null>(null);
  const ref = useRef<HTMLDivElement>(null);
  const onCleared = useCallback((a: AlertView) => setCleared(a), []);
  // Whether the focus (or a click) was last in the alert box: a focused element that goes away (the
  // alert's line, or its button while disabled) drops it to the page with no event; moving it
  // anywhere else, or clicking anywhere else, says so.
  const focusInBox = useRef(false);
  useEffect(() => {
    // A click counts too: one on plain text elsewhere moves no focus, yet the user went there.
    const onFocus = (e: Event) => {
      focusInBox.current = e.target instanceof Element && e.target.closest("[data-alerts-box]") !== null;
    };
    document.addEventListener("focusin", onFocus);
    document.addEventListener("pointerdown", onFocus);
    return () => {
      document.removeEventListener("focusin", onFocus);
      document.removeEventListener("pointerdown", onFocus);
    };
  }, []);
  // Resolved: neither listed nor silenced (a silenced alert is still open). While it is open, its own line says it.
  const open = data && [...data.shown, ...data.silenced];
  const gone = cleared !== null && open !== undefined && !open.some((a) => a.id === cleared.id);
  useEffect(() => {
    if (!cleared || gone) return;
    const timer = setTimeout(() => setCleared(null), NOTE_WINDOW_MS);
    return () => clearTimeout(timer);
  }, [cleared, gone]);
  useEffect(() => {
    if (gone && focusInBox.current && (document.activeElement === null || document.activeElement === document.body))
      ref.current?.focus({ preventScroll: true });
  }, [gone]);
  const dismiss = () => {
    setCleared(null);
    // The focus goes to the page's heading, just above where the note was, not to the page's start.
    document.getElementById("overview-title")?.focus({ preventScroll: true });
  };
  const note = gone ? (
    <div
      ref={ref}
      tabIndex={-1}
      role="status"
      data-testid="quota-cleared-note"
      className="flex flex-wrap items-center gap-x-3 gap-y-1 rounded-lg border border-emerald-200 bg-emerald-50 px-4 py-2 text-sm text-emerald-900 outline-none focus-visible:outline-2 focus-visible:outline-sky-600 dark:border-emerald-900 dark:bg-emerald-950 dark:text-emerald-100"
    >
      <span>{t("clearedResolved", { app: cleared.appName ?? cleared.appRef ?? "?" })}</span>
      <button type="button" onClick={dismiss} className="ml-auto text-xs underline focus-visible:outline-2 focus-visible:outline-sky-600">
        {t("dismiss")}
      </button>
    </div>
  ) : null;
  return { note, onCleared };
}
