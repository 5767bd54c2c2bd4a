"use client";
import { useLocale, useTranslations } from "next-intl";
import { useFormatDateTime } from "@/components/ui/date-time";
import type { CredentialHistory } from "@/lib/credential-view";
import { useFailureLabel } from "./failure-label";

/**
 * Two small bar charts over time: the lifetime each version was given, and the latency of each
 * upstream call (failed calls in red). Oldest on the left.
 */
export function HistoryChart({ history }: { history: CredentialHistory }) {
  const versions = [...history.versions].reverse().slice(-40);
  const calls = [...history.calls].reverse().slice(-40);
  const t = useTranslations("credential");
  const time = useFormatDateTime();
  const failure = useFailureLabel();
  return (
    <div className="grid gap-4 md:grid-cols-2">
      <Bars
        title={t("chartLifetime")}
        unit={t("unitS")}
        values={versions.map((v) => ({
          key: v.id,
          value: v.expiresIn,
          label: t("barVersion", { generation: String(v.generation), seconds: String(v.expiresIn), time: time(v.fetchedAt) }),
          bad: false,
        }))}
      />
      <Bars
        title={t("chartLatency")}
        unit={t("unitMs")}
        values={calls.map((c) => ({
          key: c.id,
          value: c.latencyMs,
          label: c.errorClass
            ? t("barCallFailed", { ms: String(c.latencyMs), error: failure(c.errorClass), time: time(c.startedAt) })
            : t("barCall", { ms: String(c.latencyMs), time: time(c.startedAt) }),
          bad: c.errorClass !== null,
        }))}
      />
    </div>
  );
}

function Bars({ title, unit, values }: { title: string; unit: string; values: { key: string; value: number; label: string; bad: boolean }[] }) {
  const t = useTranslations("credential");
  const locale = useLocale();
  const max = Math.max(1, ...values.map((v) => v.value));
  const w = 320;
  const h = 80;
  // At least 20 slots, so a short history reads as a few thin bars rather than one block.
  const step = w / Math.max(20, values.length);
  return (
    <figure className="rounded-md border border-slate-200 p-3 dark:border-slate-800">
      <figcaption className="mb-2 flex justify-between text-xs text-slate-500 dark:text-slate-400">
        <span>{title}</span>
        <span>{t("chartMax", { max: max.toLocaleString(locale), unit })}</span>
      </figcaption>
      {values.length === 0 ? (
        <p className="py-6 text-center text-xs text-slate-500 dark:text-slate-400">{t("chartEmpty")}</p>
      ) : (
        <svg
          viewBox={`0 0 ${w} ${h}`}
          className="h-20 w-full"
          role="img"
          aria-label={t("chartBars", { title, count: String(values.length) })}
          preserveAspectRatio="none"
        >
          {values.map((v, i) => {
            const bh = Math.max(2, (v.value / max) * (h - 2));
            return (
              <rect key={v.key} x={i * step + step * 0.15} y={h - bh} width={step * 0.7} height={bh} className={v.bad ? "fill-red-500" : "fill-sky-500"}>
                <title>{v.label}</title>
              </rect>
            );
          })}
        </svg>
      )}
    </figure>
  );
}
