"use client";
import { useId, useState } from "react";
import { useTranslations } from "next-intl";
import { DateTime, useFormatDateTime } from "@/components/ui/date-time";
import { faceidUserId } from "@/lib/faceid-user-id";
import { useCatalog } from "@/components/credential/api/get-catalog";
import { useNonces } from "./api/get-nonces";
import { useIssueNonce } from "./api/issue-nonce";
import { useMarkNonceUsed } from "./api/mark-nonce-used";
import { useHydrated } from "@/components/ui/use-hydrated";
import { formatDuration, remainingSeconds } from "@/lib/time";
import { Countdown } from "@/components/ui/countdown";
import { useNow } from "@/components/ui/use-now";
import { primaryAction, secondaryAction } from "@/components/ui/styles";

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
          <button type="submit" className={primary} disabled={issue.isPending || !selected || !!showProblem}>
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
  const [copied, setCopied] = useState<string | null>(null);
  const markUsed = useMarkNonceUsed();
  const used = markUsed.isSuccess;
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
        <Countdown expiresAt={issued.expiresAt} lifetime={issued.expiresIn} clockOffsetMs={issued.clockOffsetMs} />
      </div>
      <code aria-label={t("value")} className="block break-all rounded bg-white px-2 py-1.5 font-mono text-sm dark:bg-slate-900">
        {issued.value}
      </code>
      <div className="flex flex-wrap items-center gap-2">
        <button
          type="button"
          className={secondary}
          onClick={async () => {
            try {
              await navigator.clipboard.writeText(issued.value);
              setCopied(t("copied"));
            } catch {
              setCopied(t("copyBlocked"));
            }
          }}
        >
          {t("copy")}
        </button>
        <button type="button" className={secondary} disabled={used || markUsed.isPending} onClick={() => markUsed.mutate(issued.id)}>
          {used ? t("markedUsed") : t("markUsed")}
        </button>
        <span role="status" aria-live="polite" className="text-xs text-slate-600 dark:text-slate-300">
          {markUsed.isError ? markUsed.error.message : copied}
        </span>
      </div>
      <p className="text-xs text-slate-500 dark:text-slate-400">{t("shownOnce")}</p>
    </section>
  );
}

function RecentNonces() {
  const t = useTranslations("nonce");
  const formatTime = useFormatDateTime();
  const { data, isPending, error } = useNonces();
  const markUsed = useMarkNonceUsed();
  const now = useNow();
  return (
    <section aria-labelledby="recent-title" className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm dark:border-slate-800 dark:bg-slate-900">
      <h2 id="recent-title" className="mb-3 text-base font-semibold">
        {t("recent")}
      </h2>
      {isPending ? (
        <p role="status" className="text-sm text-slate-500 dark:text-slate-400">
          {t("loading")}
        </p>
      ) : error && !data ? (
        <p role="alert" className="text-sm text-red-700 dark:text-red-400">
          {t("loadFailed", { error: error.message })}
        </p>
      ) : data.nonces.length === 0 ? (
        <p className="text-sm text-slate-500 dark:text-slate-400">{t("empty")}</p>
      ) : (
        <div className="overflow-x-auto" tabIndex={0} role="region" aria-label={t("region")}>
          <table className="w-full min-w-[640px] text-left text-sm">
            <caption className="sr-only">{t("caption")}</caption>
            <thead className="text-xs uppercase tracking-wide text-slate-500 dark:text-slate-400">
              <tr>
                {(["colIssued", "colApp", "colUserId", "colTicket", "colIssuedBy", "colTimeLeft"] as const).map((h) => (
                  <th key={h} scope="col" className="px-2 py-1.5 font-medium">
                    {t(h)}
                  </th>
                ))}
                <th scope="col" className="px-2 py-1.5 font-medium">
                  <span className="sr-only">{t("colActions")}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {data.nonces.map((n) => {
                const left = now ? remainingSeconds(n.expiresAt, now, data.clockOffsetMs) : null;
                return (
                  <tr
                    key={n.id}
                    aria-label={t("row", { userId: n.userId, time: formatTime(n.issuedAt) })}
                    className="border-t border-slate-100 dark:border-slate-800"
                  >
                    <td className="px-2 py-1.5">
                      <DateTime at={n.issuedAt} />
                    </td>
                    <td translate="no" className="px-2 py-1.5">
                      {n.appName}
                    </td>
                    <td translate="no" className="px-2 py-1.5 font-mono">
                      {n.userId}
                    </td>
                    <td translate="no" className="px-2 py-1.5 font-mono text-xs">
                      {n.maskedValue}
                    </td>
                    <td translate="no" className="px-2 py-1.5">
                      {n.issuedBy}
                    </td>
                    <td className="px-2 py-1.5 tabular-nums">{n.usedAt ? t("used") : left === null ? "…" : left > 0 ? formatDuration(left) : t("expired")}</td>
                    <td className="px-2 py-1.5 text-right">
                      {!n.usedAt && left !== null && left > 0 && (
                        <button
                          type="button"
                          className={`${secondary} py-1 text-xs`}
                          onClick={() => markUsed.mutate(n.id)}
                          aria-label={t("markUsedFor", { userId: n.userId })}
                        >
                          {t("markUsed")}
                        </button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/** The first rule a typed user_id breaks, as a message key (the rules are the server's, lib/faceid-user-id.ts). */
function userIdProblemKey(value: string): "required" | "tooLong" | "characters" | null {
  if (faceidUserId.safeParse(value).success) return null;
  if (value.length === 0) return "required";
  return value.length > 30 ? "tooLong" : "characters";
}
