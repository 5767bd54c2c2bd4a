"use client";
import { useTranslations } from "next-intl";
import type { Health } from "@/lib/health";
import { useUnconfirmed } from "./freshness";

const STYLES: Record<Health, string> = {
  healthy: "bg-emerald-100 text-emerald-800 dark:bg-emerald-900/50 dark:text-emerald-300",
  "in-overlap": "bg-sky-100 text-sky-800 dark:bg-sky-900/50 dark:text-sky-300",
  "refresh-due": "bg-amber-100 text-amber-900 dark:bg-amber-900/50 dark:text-amber-300",
  "quota-low": "bg-amber-100 text-amber-900 dark:bg-amber-900/50 dark:text-amber-300",
  retrying: "bg-amber-100 text-amber-900 dark:bg-amber-900/50 dark:text-amber-300",
  "at-risk": "bg-red-100 text-red-800 ring-1 ring-red-300 dark:bg-red-900/50 dark:text-red-300 dark:ring-red-800",
  expiring: "bg-orange-100 text-orange-900 dark:bg-orange-900/50 dark:text-orange-300",
  expired: "bg-red-100 text-red-800 dark:bg-red-900/50 dark:text-red-300",
  failing: "bg-red-100 text-red-800 dark:bg-red-900/50 dark:text-red-300",
  pending: "bg-slate-200 text-slate-700 dark:bg-slate-800 dark:text-slate-300",
};

/** A health nobody has confirmed lately: the last one known, in grey, with a dashed edge. */
const UNCONFIRMED = "bg-slate-100 text-slate-600 outline-1 outline-dashed outline-slate-400 dark:bg-slate-800 dark:text-slate-300 dark:outline-slate-500";

/**
 * A credential's health. While nothing on the page is confirmed (the server or its database does
 * not answer: useUnconfirmed) it is the last health known, greyed like the countdowns: a green "Healthy"
 * there would vouch for refreshes that are waiting for the database.
 */
export function HealthBadge({ health }: { health: Health }) {
  const t = useTranslations("health");
  const unconfirmed = useUnconfirmed();
  return (
    <span
      data-health={health}
      {...unconfirmed}
      className={`inline-flex whitespace-nowrap rounded-full px-2 py-0.5 text-xs font-medium ${unconfirmed ? UNCONFIRMED : STYLES[health]}`}
    >
      {t(health)}
    </span>
  );
}
