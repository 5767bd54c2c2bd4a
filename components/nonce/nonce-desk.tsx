"use client";
import { memo, useId, useState } from "react";
import { useTranslations } from "next-intl";
import { DateTime, useFormatDateTime } from "@/components/ui/date-time";
import { faceidUserId } from "@/lib/faceid-user-id";
import { useCatalog } from "@/components/credential/api/get-catalog";
import { useNonces } from "./api/get-nonces";
import { useIssueNonce } from "./api/issue-nonce";
import { useMarkNonceUsed } from "./api/mark-nonce-used";
import { useHydrated } from "@/components/ui/use-hydrated";
import type { NonceView } from "@/lib/nonce-view";
import { Countdown, FirstPaintClockProvider, useClockOffset, useFormatDuration } from "@/components/ui/countdown";
import { DataTable } from "@/components/ui/data-table";
import { DataRow } from "@/components/ui/table-row";
import { useNow } from "@/components/ui/use-now";
import { primaryAction, secondaryAction } from "@/components/ui/styles";
import { useFormatClock } from "./format-clock";
import { type NonceState, nonceState, refusedAsExpired } from "./nonce-state";
import { useNonceState } from "./use-nonce-state";

// The desk's buttons also show a not-allowed cursor while disabled.
const primary = `${primaryAction} disabled:cursor-not-allowed`;
const secondary = `${secondaryAction} disabled:cursor-not-allowed`;

/** QA's desk: issue a single-use FaceID NONCE ticket for a user_id, copy it, mark it used. */
export function NonceDesk() {
  const t = useTranslations("nonce");
  const credentials = useCatalog();
  const apps = [...new Map((credentials.data?.credentials ?? []).filter((c) => c.vendor === "faceid").map((c) => [c.appRef, c])).values()];
  const [appRef, setAppRef] = useState("");
  const [userId, setUserId] = useState("");
  const [touched, setTouched] = useState(false);
  const issue = useIssueNonce();
  const selected = appRef || apps[0]?.appRef || "";
  const problem = userIdProblemKey(userId);
  const hydrated = useHydrated();
  const showProblem = (touched || userId.length > 0) && problem;
  const ids = { user: useId(), help: useId(), error: useId(), app: useId() };

  return (
    <section aria-labelledby="nonce-title" className="space-y-5">
      <div>
        <h1 id="nonce-title" className="text-2xl font-semibold tracking-tight">
          {t("title")}
        </h1>
        <p className="text-sm text-slate-600 dark:text-slate-400">{t("intro")}</p>
      </div>

      <form
        aria-label={t("issueForm")}
        className="grid gap-4 rounded-lg border border-slate-200 bg-white p-4 shadow-sm md:grid-cols-[minmax(0,16rem)_minmax(0,20rem)_auto] md:items-start dark:border-slate-800 dark:bg-slate-900"
        onSubmit={(e) => {
          e.preventDefault();
          setTouched(true);
          if (problem || !selected) return;
          issue.mutate({ appRef: selected, userId });
        }}
      >
        <div className="space-y-1">
          <label htmlFor={ids.app} className="block text-sm font-medium">
            {t("app")}
          </label>
          {credentials.isPending ? (
            <p className="text-sm text-slate-500 dark:text-slate-400">{t("loadingApps")}</p>
          ) : apps.length === 0 ? (
            <p className="text-sm text-slate-500 dark:text-slate-400">{t("noApps")}</p>
          ) : (
            <select
              id={ids.app}
              // The list is in the server's HTML; a choice made before React hydrates would be undone.
              disabled={!hydrated}
              value={selected}
              onChange={(e) => setAppRef(e.target.value)}
              className="w-full rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm dark:border-slate-600 dark:bg-slate-950"
            >
              {apps.map((a) => (
                <option key={a.appRef} value={a.appRef} translate="no">
                  {a.appName} ({a.appId})
                </option>
              ))}
            </select>
          )}
        </div>
        <div className="space-y-1">
          <label htmlFor={ids.user} className="block text-sm font-medium">
            {t("userId")}
          </label>
          <input
            id={ids.user}
            // Typing into the server's HTML before React hydrates would not reach React's state.
            disabled={!hydrated}
            value={userId}
            onChange={(e) => setUserId(e.target.value)}
            onBlur={() => setTouched(true)}
            autoComplete="off"
            spellCheck={false}
            aria-invalid={showProblem ? true : undefined}
            aria-describedby={`${ids.help} ${ids.error}`}
            className={`w-full rounded-md border px-2 py-1.5 font-mono text-sm dark:bg-slate-950 ${showProblem ? "border-red-500" : "border-slate-300 dark:border-slate-600"}`}
          />
          <p id={ids.help} className="flex justify-between text-xs text-slate-500 dark:text-slate-400">
            <span>{t("userIdRule")}</span>
            <span className={userId.length > 30 ? "text-red-700 dark:text-red-400" : ""} aria-label={t("charactersUsed")}>
              {userId.length}/30
            </span>
          </p>
          <p id={ids.error} role="alert" className="text-xs text-red-700 dark:text-red-400">
            {showProblem ? t(`problems.${problem}`) : ""}
          </p>
        </div>
        <div className="md:pt-6">
          <button type="submit" className={primary} disabled={!hydrated || issue.isPending || !selected || !!showProblem}>
            {issue.isPending && <span aria-hidden className="h-3 w-3 animate-spin rounded-full border-2 border-white/60 border-t-transparent" />}
            {issue.isPending ? t("issuing") : t("issue")}
          </button>
        </div>
      </form>

      {issue.isError && (
        <div role="alert" className="rounded-lg border border-red-200 bg-red-50 p-4 text-sm text-red-800 dark:border-red-900 dark:bg-red-950 dark:text-red-200">
          {issue.error.message}
        </div>
      )}
      {issue.data && <IssuedTicket key={issue.data.id} issued={issue.data} />}

      <RecentNonces />
    </section>
  );
}

function IssuedTicket({ issued }: { issued: NonNullable<ReturnType<typeof useIssueNonce>["data"]> }) {
  const t = useTranslations("nonce");
  const list = useNonces();
  // The list holds the newest word on it (marked used here, in its row or by someone else; an
  // expiry brought forward by a token rotation); the issue answer until the list has it.
  const listed = list.data?.nonces.find((n) => n.id === issued.id);
  const nonce = listed ?? issued;
  // The list's offset once it lists the ticket (the issue answer's until then, or while the list came with the HTML).
  const offset = (listed && list.data?.clockOffsetMs) ?? issued.clockOffsetMs;
  const now = useNow();
  const state = nonceState(nonce, now, offset);
  const finished = state !== null && state.kind !== "live";
  return (
    <section aria-label={t("issued")} className="space-y-3 rounded-lg border border-sky-200 bg-sky-50 p-4 dark:border-sky-900 dark:bg-sky-950/40">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 className="text-base font-semibold">
          {t.rich("issuedFor", {
            user: () => (
              <span translate="no" className="font-mono">
                {issued.userId}
              </span>
            ),
            app: issued.appName,
          })}
        </h2>
        {state?.kind === "live" ? (
          <Countdown expiresAt={nonce.expiresAt} lifetime={nonce.expiresIn} clockOffsetMs={offset} />
        ) : (
          <NonceStateText state={state} />
        )}
      </div>
      <code
        aria-label={t("value")}
        className={`block break-all rounded bg-white px-2 py-1.5 font-mono text-sm dark:bg-slate-900 ${finished ? "text-slate-500 line-through dark:text-slate-400" : ""}`}
      >
        {issued.value}
      </code>
      <NonceActions nonce={nonce} state={state} value={issued.value} />
      <p className="text-xs text-slate-500 dark:text-slate-400">{finished ? t(state.kind === "used" ? "usedNote" : "expiredNote") : t("shownOnce")}</p>
    </section>
  );
}

/** "1m 05s left", "used at 20:31:02 UTC+8", "expired at 20:32:00 UTC+8". */
function NonceStateText({ state }: { state: NonceState | null }) {
  const t = useTranslations("nonce");
  const formatClock = useFormatClock();
  const duration = useFormatDuration();
  if (!state) return <span className="text-slate-400">…</span>;
  if (state.kind === "live") return <span className="tabular-nums">{t("left", { duration: duration(state.secondsLeft) })}</span>;
  return (
    <span className={state.kind === "used" ? "text-slate-600 dark:text-slate-300" : "text-red-700 dark:text-red-400"}>
      {t(state.kind === "used" ? "usedAt" : "expiredAt", { time: formatClock(state.at) })}
    </span>
  );
}

/**
 * Copy (when the value is at hand: only in the issue answer) and Mark used, for the issued card
 * and for each row of the list. Neither is offered for a ticket that is used or expired: FaceID
 * would refuse it, and the server refuses to mark an expired one (409).
 */
function NonceActions({ nonce, state, value }: { nonce: NonceView; state: NonceState | null; value?: string }) {
  const t = useTranslations("nonce");
  const formatClock = useFormatClock();
  const [copied, setCopied] = useState<string | null>(null);
  const markUsed = useMarkNonceUsed();
  // Drawn in the server's HTML too: nothing to click before React has the page.
  const hydrated = useHydrated();
  const live = state?.kind === "live";
  const refusedAt = refusedAsExpired(markUsed.error);
  const message = markUsed.isError ? (refusedAt ? t("refusedExpired", { time: formatClock(refusedAt) }) : markUsed.error.message) : live ? copied : null;
  // A row offers only what can still be done; the card keeps its buttons in place, disabled.
  if (value === undefined && !live && !message) return null;
  return (
    <div className="flex flex-wrap items-center gap-2">
      {value !== undefined && (
        <button
          type="button"
          className={secondary}
          disabled={!live}
          onClick={async () => {
            try {
              await navigator.clipboard.writeText(value);
              setCopied(t("copied"));
            } catch {
              setCopied(t("copyBlocked"));
            }
          }}
        >
          {t("copy")}
        </button>
      )}
      {(value !== undefined || live) && (
        <button
          type="button"
          className={value === undefined ? `${secondary} py-1 text-xs` : secondary}
          disabled={!hydrated || !live || markUsed.isPending}
          onClick={() => markUsed.mutate(nonce.id)}
          aria-label={value === undefined ? t("markUsedFor", { userId: nonce.userId }) : undefined}
        >
          {t("markUsed")}
        </button>
      )}
      <span
        role="status"
        aria-live="polite"
        className={`text-xs ${markUsed.isError ? "text-red-700 dark:text-red-400" : "text-slate-600 dark:text-slate-300"}`}
      >
        {message}
      </span>
    </div>
  );
}

function RecentNonces() {
  const t = useTranslations("nonce");
  const { data, isPending, error } = useNonces();
  const offset = useClockOffset(data);
  return (
    <section aria-labelledby="recent-title" className="space-y-3">
      <h2 id="recent-title" className="text-base font-semibold">
        {t("recent")}
      </h2>
      <DataTable
        region={t("region")}
        caption={t("caption")}
        columns={[t("colIssued"), t("colApp"), t("colUserId"), t("colTicket"), t("colIssuedBy"), t("colExpires"), t("colState"), ""]}
        minWidth="min-w-[760px]"
        compact
        loading={isPending && t("loading")}
        error={error && !data && t("loadFailed", { error: error.message })}
        empty={data?.nonces.length === 0 && t("empty")}
      >
        {data && (
          // Until the page ticks (the server's HTML, hydration), each ticket's state as the server saw
          // it when it answered; then on the browser's clock with the measured offset (useNonceState).
          <FirstPaintClockProvider renderedAt={Date.parse(data.serverTime)}>
            {data.nonces.map((n) => (
              <NonceRow key={n.id} nonce={n} clockOffsetMs={offset} />
            ))}
          </FirstPaintClockProvider>
        )}
      </DataTable>
    </section>
  );
}

/**
 * One ticket of the list. Memoised: the list is not drawn again at each tick, and a row whose ticket
 * (the same object while unchanged: TanStack Query's structural sharing) and offset are the same is
 * drawn again only when its state reads differently (each second while live).
 */
const NonceRow = memo(function NonceRow({ nonce: n, clockOffsetMs }: { nonce: NonceView; clockOffsetMs: number }) {
  const t = useTranslations("nonce");
  const formatTime = useFormatDateTime();
  const formatClock = useFormatClock();
  const state = useNonceState(n, clockOffsetMs);
  return (
    <DataRow name={t("row", { userId: n.userId, time: formatTime(n.issuedAt) })}>
      <td className="px-4 py-2">
        <DateTime at={n.issuedAt} />
      </td>
      <td translate="no" className="px-4 py-2">
        {n.appName}
      </td>
      <td translate="no" className="px-4 py-2 font-mono">
        {n.userId}
      </td>
      <td translate="no" className="px-4 py-2 font-mono text-xs">
        {n.maskedValue}
      </td>
      <td translate="no" className="px-4 py-2">
        {n.issuedBy}
      </td>
      <td className="whitespace-nowrap px-4 py-2">
        <time dateTime={n.expiresAt}>{formatClock(n.expiresAt)}</time>
      </td>
      <td className="whitespace-nowrap px-4 py-2">
        <NonceStateText state={state} />
      </td>
      <td className="px-4 py-2 text-right">
        <NonceActions nonce={n} state={state} />
      </td>
    </DataRow>
  );
});

/** The first rule a typed user_id breaks, as a message key (the rules are the server's, lib/faceid-user-id.ts). */
function userIdProblemKey(value: string): "required" | "tooLong" | "characters" | null {
  if (faceidUserId.safeParse(value).success) return null;
  if (value.length === 0) return "required";
  return value.length > 30 ? "tooLong" : "characters";
}
