"use client";
import { useTranslations } from "next-intl";
import { DatabaseStaleNotice } from "./database-stale-notice";
import { useDatabaseOutage } from "./database-outage";
import { type Freshness, useFreshnessSelect } from "./freshness";

/** HH:MM:SS on the browser's clock, 24-hour. */
function formatClockTime(ms: number): string {
  const d = new Date(ms);
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, "0")).join(":");
}

/**
 * Within this many seconds of the last answer the page says "just now": the change stream pings
 * every 2 s, so a healthy page never counts up, and the text does not change at every ping and
 * every tick in between (each change is a layout and a paint: 100 open tabs kept two cores busy).
 * It counts once an answer is late, and the page turns stale at STALE_AFTER_MS (4 s).
 */
const JUST_NOW_S = 2;

/**
 * What the header's freshness says, `ago` seconds after the server's last answer. While the server
 * answers without its database, "Updated just now" would read as all well beside the banner that
 * says otherwise: it names the database instead. While the server itself is silent (the database's
 * last word still standing), the seconds since its last answer count, as the banner blames it.
 */
export function updatedWords(ago: number, databaseDown: boolean, silent: boolean): { key: "databaseDown" | "justNow" } | { key: "ago"; seconds: number } {
  if (databaseDown && !silent) return { key: "databaseDown" };
  return ago <= JUST_NOW_S ? { key: "justNow" } : { key: "ago", seconds: ago };
}

/**
 * Whole seconds since the server's last answer as the header counts them: 0 within JUST_NOW_S (so
 * that a ping or a tick there changes nothing), null before the page ticks or has heard from it.
 */
export function shownSecondsAgo(f: Freshness, nowMs: number): number | null {
  if (!nowMs || !f.lastHeardAt) return null;
  const ago = Math.max(0, Math.floor((nowMs - f.lastHeardAt) / 1000));
  return ago <= JUST_NOW_S ? 0 : ago;
}

/**
 * "Updated 3 s ago" in the header: when the server last answered this page. It renders only when
 * its words do: not at each ping and tick of a healthy page, which say "just now" all along.
 */
export function UpdatedAgo() {
  const t = useTranslations("freshness");
  const ago = useFreshnessSelect(shownSecondsAgo, true);
  // The last answer's time, for the title once the header counts (it stands still then).
  const lastHeardAt = useFreshnessSelect((f, now) => (shownSecondsAgo(f, now) ? f.lastHeardAt : 0), true);
  const silent = useFreshnessSelect((f) => f.stale);
  const database = useDatabaseOutage();
  const stale = silent || database !== null;
  // Until the page has heard from the server (the server's HTML, hydration) the place is kept with
  // the words a healthy page shows, unseen: the header does not move when they appear.
  if (ago === null) {
    return (
      <span aria-hidden className="invisible whitespace-nowrap text-xs tabular-nums">
        <span className="mr-1 inline-block h-2 w-2" />
        {t("justNow")}
      </span>
    );
  }
  const words = updatedWords(ago, database !== null, silent);
  return (
    <span
      data-testid="updated-ago"
      // The exact time once it counts: while the page says "just now" a title that changed with each
      // ping was the only change an idle page made to its DOM (a frame every 2 s in every open tab).
      title={words.key === "ago" ? t("lastAnswer", { time: formatClockTime(lastHeardAt) }) : undefined}
      className={`whitespace-nowrap text-xs tabular-nums ${stale ? "font-medium text-amber-800 dark:text-amber-300" : "text-slate-600 dark:text-slate-400"}`}
    >
      <span aria-hidden className={`mr-1 inline-block h-2 w-2 rounded-full ${stale ? "bg-amber-500" : "bg-emerald-500"}`} />
      {words.key === "ago" ? t("ago", { seconds: words.seconds }) : t(words.key)}
    </span>
  );
}

/**
 * The banner every dashboard page shows while the server does not answer (freshness.ts), or answers
 * without its database (database-stale-notice.tsx); it goes away by itself at the next answer. The live region is always present so screen readers hear it appear.
 */
export function StaleBanner() {
  const t = useTranslations("freshness");
  const silent = useFreshnessSelect((f) => f.stale);
  // Since when, while silent: each ping moves lastHeardAt, and the banner is not drawn again for it.
  const lastHeardAt = useFreshnessSelect((f) => (f.stale ? f.lastHeardAt : 0));
  const database = useDatabaseOutage();
  return (
    <div role="status" aria-live="polite" className="empty:hidden">
      {silent ? (
        <p className="mb-4 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100">
          <strong className="font-semibold">{t("staleTitle", { time: formatClockTime(lastHeardAt) })}</strong> {t("staleBody")}
        </p>
      ) : database ? (
        <DatabaseStaleNotice outage={database} />
      ) : null}
    </div>
  );
}
