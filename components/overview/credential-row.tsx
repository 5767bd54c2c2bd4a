"use client";
import { useTranslations } from "next-intl";
import { memo, type ReactNode, useMemo } from "react";
import type { CredentialView } from "@/lib/credential-view";
import { templateOf } from "@/lib/message-template";
import { Countdown, setText, useFormatDuration, usePaintedSecondsLeft } from "@/components/ui/countdown";
import { useFormatDateTime } from "@/components/ui/date-time";
import { HealthBadge } from "@/components/ui/status-badge";
import type { Health } from "@/lib/health";
import { useKindLabel } from "./kind-label";
import { RefreshAction } from "./refresh-action";
import type { Sentence } from "@/lib/sentence";
import { LastErrorText, SentenceText } from "@/components/ui/sentence";
import { UNCONFIRMED_TEXT, useUnconfirmed } from "@/components/ui/freshness";

/**
 * One credential's row. Memoised: the overview renders again when a row's health or the list
 * changes, and a row whose credential (the same object while the list is unchanged: TanStack
 * Query's structural sharing) and health are the same is left alone; its countdowns tick on their
 * own, on the offset the overview gives them (ClockOffset). With every row rendered every second,
 * 100 open tabs kept two cores busy.
 */
export const CredentialRow = memo(function CredentialRow({ credential: c, health }: { credential: CredentialView; health: Health }) {
  const t = useTranslations("overview");
  const formatTime = useFormatDateTime();
  const kindLabel = useKindLabel()(c.kindLabel);
  const rowLabel = `${c.appName} ${kindLabel}`;
  return (
    <tr
      aria-label={rowLabel}
      className="grid grid-cols-[minmax(0,1fr)_auto] gap-x-2 border-t border-slate-200 py-2 align-top md:table-row md:py-0 dark:border-slate-800"
    >
      <Cell label={t("colApp")} tagged={false} className="order-1">
        <div translate="no" className="font-medium">
          {c.appName}
        </div>
        <div translate="no" className="text-xs text-slate-500 dark:text-slate-400">
          {c.vendorLabel} · <span className="font-mono">{c.appId}</span>
        </div>
      </Cell>
      <Cell label={t("colCredential")} tagged={false} narrow="flex" className="order-3">
        <a
          translate="no"
          href={`/credentials/${c.id}`}
          className="text-sky-700 hover:underline focus-visible:outline-2 focus-visible:outline-sky-600 dark:text-sky-400"
        >
          {kindLabel}
        </a>
        <div className="text-xs text-slate-500 dark:text-slate-400">{t("generation", { generation: String(c.generation) })}</div>
      </Cell>
      <Cell label={t("colValue")} tagged={false} narrow="flex" className="order-5">
        {c.current ? (
          <code aria-label={t("maskedValue")} className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-sm dark:bg-slate-800">
            {c.current.maskedValue}
          </code>
        ) : (
          <span className="text-sm text-slate-500 dark:text-slate-400">{t("notFetched")}</span>
        )}
        {c.previous && (
          <div className="mt-1 text-xs text-slate-500 dark:text-slate-400">
            {t("previous")} <code className="font-mono">{c.previous.maskedValue}</code> <PreviousValidity until={c.previous.validUntil} />
          </div>
        )}
      </Cell>
      <Cell label={t("colExpiresIn")} tagged={false} className="order-4">
        {c.current ? <Countdown expiresAt={c.current.expiresAt} lifetime={c.current.expiresIn} /> : "—"}
      </Cell>
      <Cell label={t("colStatus")} tagged={false} className="order-2 text-right md:text-left">
        <HealthBadge health={health} />
        {c.lastError && (
          <p className="mt-1 max-w-64 text-xs text-red-700 dark:text-red-400">
            <LastErrorText error={c.lastError} />
          </p>
        )}
      </Cell>
      <Cell label={t("colNextRefresh")} narrow="flex" className="order-7 col-span-2 text-sm">
        <NextRefresh at={c.nextRefreshAt} reason={c.nextRefreshReasonSentence} fallback={c.nextRefreshReason} />
        {c.quota && <QuotaLine quota={c.quota} />}
        {c.refreshing && c.lease && (
          <div className="text-xs text-sky-700 dark:text-sky-400" title={t("leaseUntil", { time: formatTime(c.lease.expiresAt) })}>
            {t("refreshingOn", { instance: c.lease.instance })}
          </div>
        )}
      </Cell>
      <Cell label="" className="order-6 text-right">
        <RefreshAction credential={c} label={rowLabel} />
      </Cell>
    </tr>
  );
});

/** Whether a time counted to is unknown yet, passed, or still ahead: what React draws; the seconds are painted. */
const dueness = (left: number | null) => (left === null ? "unknown" : left > 0 ? "ahead" : "due");

export function PreviousValidity({ until, clockOffsetMs }: { until: string; clockOffsetMs?: number }) {
  const t = useTranslations("overview");
  const duration = useFormatDuration();
  const stillValid = useMemo(() => templateOf((d) => t("stillValid", { duration: d })), [t]);
  const { left, ref } = usePaintedSecondsLeft<HTMLSpanElement, string>(until, clockOffsetMs, dueness, (el, left) => {
    if (left > 0) setText(el, stillValid(duration(left)));
  });
  const unconfirmed = useUnconfirmed();
  if (left === null) return null;
  return (
    <span ref={ref} {...unconfirmed} className={unconfirmed ? UNCONFIRMED_TEXT : undefined}>
      {left > 0 ? stillValid(duration(left)) : t("noLongerValid")}
    </span>
  );
}

export function NextRefresh({
  at,
  reason,
  fallback,
  clockOffsetMs,
}: {
  at: string | null;
  reason: Sentence | null | undefined;
  fallback: string | null;
  clockOffsetMs?: number;
}) {
  const t = useTranslations("overview");
  const duration = useFormatDuration();
  const inDuration = useMemo(() => templateOf((d) => t("inDuration", { duration: d })), [t]);
  const { left, ref } = usePaintedSecondsLeft<HTMLDivElement, string>(at, clockOffsetMs, dueness, (el, left) => {
    if (left > 0) setText(el, inDuration(duration(left)));
  });
  const unconfirmed = useUnconfirmed();
  // The reason is the scheduler's, as a sentence the server composed (English `fallback` from an older server).
  const hasReason = !!(reason || fallback);
  if (!at)
    return hasReason ? (
      <span className="text-slate-500 dark:text-slate-400">
        <SentenceText sentence={reason} fallback={fallback} />
      </span>
    ) : (
      <span className="text-slate-500 dark:text-slate-400">{t("notScheduled")}</span>
    );
  return (
    <div className="contents">
      {/* "Due now" on an unconfirmed page says when a refresh was planned, not that one will run. */}
      <div ref={ref} {...unconfirmed} className={`tabular-nums ${unconfirmed ? UNCONFIRMED_TEXT : ""}`}>
        {left === null ? "…" : left > 0 ? inDuration(duration(left)) : t("dueNow")}
      </div>
      {hasReason && (
        // Wrapped in the table, one line on a phone's card (the full reason is on the credential's page and
        // in the DOM for screen readers); no title with the text: a title is plain text, and the reason's
        // code-like words (an endpoint, expire_in) could not be marked as such in it.
        <div className="line-clamp-1 max-w-48 text-xs text-slate-500 md:line-clamp-none dark:text-slate-400">
          <SentenceText sentence={reason} fallback={fallback} />
        </div>
      )}
    </div>
  );
}

/** Today's calls to the credential's endpoint against its daily limit (the vendors' day, UTC+8). */
function QuotaLine({ quota }: { quota: NonNullable<CredentialView["quota"]> }) {
  const t = useTranslations("overview");
  const tone = quota.exhausted ? "text-red-700 dark:text-red-400" : quota.low ? "text-amber-700 dark:text-amber-400" : "text-slate-500 dark:text-slate-400";
  const title = quota.limit
    ? t("quotaTitleLimit", {
        used: quota.used,
        limit: String(quota.limit),
        source: t(quota.limitSource === "app" ? "quotaSourceApp" : "quotaSourceVendor"),
      })
    : t("quotaTitleNoLimit", { used: quota.used });
  return (
    <div aria-label={t("quotaLabel")} title={title} className={`text-xs tabular-nums ${tone}`}>
      {quota.exhausted
        ? t("quotaUsedUp")
        : quota.limit
          ? t("quotaOf", { used: String(quota.used), limit: String(quota.limit) })
          : t("callsToday", { count: quota.used })}
    </div>
  );
}

const TAG =
  "before:block before:text-[11px] before:font-medium before:uppercase before:tracking-wide before:text-slate-500 dark:before:text-slate-400 before:content-[attr(data-label)] md:before:hidden";

/**
 * A table cell on wide screens; on narrow ones a place in a compact two-column card (its `order`
 * sets where; the right column is as wide as its badge, countdown and button need). `tagged` shows the column's name above the content there (the badge, countdown and
 * names need none); `narrow="flex"` lays its parts (and the name) on one line, wrapping as needed.
 */
function Cell({
  label,
  tagged = true,
  narrow = "block",
  className = "",
  children,
}: {
  label: string;
  tagged?: boolean;
  narrow?: "block" | "flex";
  className?: string;
  children: ReactNode;
}) {
  const layout = narrow === "flex" ? "flex flex-wrap items-baseline gap-x-2" : "block";
  return (
    <td data-label={label} className={`${layout} min-w-0 px-3 py-0.5 md:table-cell md:px-4 md:py-3 ${label && tagged ? TAG : ""} ${className}`}>
      {children}
    </td>
  );
}
