"use client";
import { useTranslations } from "next-intl";
import type { CredentialView } from "@/lib/credential-view";
import { ATTENTION_HEALTHS, type Health } from "@/lib/health";
import { useFormatDuration, useSecondsLeft } from "@/components/ui/countdown";
import { UNCONFIRMED_TEXT, useUnconfirmed } from "@/components/ui/freshness";
import { HealthBadge } from "@/components/ui/status-badge";
import { SentenceText } from "@/components/ui/sentence";
import { useKindLabel } from "./kind-label";

type Row = { c: CredentialView; health: Health };
type Props = {
  rows: Row[];
  counts: Record<Health, number>;
  selected: Health | "";
  onSelect: (health: Health | "") => void;
};

/** How many of the most urgent credentials the strip lists (the rest: "and N more below"). */
const LISTED = 5;

/** What the strip shows of a credential: its link, when clients break, and what blocks a refresh. */
const shownOf = ({ c, health }: Row) =>
  JSON.stringify([health, c.id, c.appName, c.kindLabel, c.impact.breaksAt, c.impact.blockedBy, c.impact.blockedBySentence ?? null]);

/**
 * Whether the strip reads the same with `next` as with `prev` (its React.memo comparison): the
 * counts of each health that needs attention, the chip selected, and what it shows of each listed
 * credential. The credentials it lists are the ones retried over and over during an incident: a
 * new answer about them that changes only what the strip does not show (a retry's count, the
 * error's text, a lease) does not draw it again in every open tab.
 */
export function sameStrip(prev: Props, next: Props): boolean {
  if (prev.selected !== next.selected || prev.onSelect !== next.onSelect) return false;
  if (ATTENTION_HEALTHS.some((h) => prev.counts[h] !== next.counts[h])) return false;
  const a = prev.rows.slice(0, LISTED);
  const b = next.rows.slice(0, LISTED);
  return a.length === b.length && a.every((row, i) => row === b[i] || shownOf(row) === shownOf(b[i]!));
}

/**
 * "Needs attention": what will break clients, most urgent first, leading the page. Each chip
 * filters the table to that health (kept in the URL, so the view can be shared in an incident
 * channel); each credential links to its page with its runbook. `rows` are the most urgent of all
 * credentials and `counts` count all of them by health, whichever page the table shows. Its
 * countdowns run on the offset to the server's clock the page provides (ClockOffset).
 */
export function AttentionStrip({ rows, counts: totals, selected, onSelect }: Props) {
  const t = useTranslations("overview");
  const th = useTranslations("health");
  const kindLabel = useKindLabel();
  const counts = ATTENTION_HEALTHS.map((h) => [h, totals[h]] as const).filter(([, n]) => n > 0);
  const urgent = counts.reduce((n, [, k]) => n + k, 0);
  if (urgent === 0) return null;
  return (
    <section aria-labelledby="attention-title" className="rounded-lg border border-red-200 bg-red-50 p-4 dark:border-red-900 dark:bg-red-950/40">
      <div className="flex flex-wrap items-center gap-2">
        <h2 id="attention-title" className="mr-1 font-semibold text-red-900 dark:text-red-200">
          {t("attentionTitle", { count: urgent })}
        </h2>
        {counts.map(([h, n]) => (
          <button
            key={h}
            type="button"
            aria-pressed={selected === h}
            onClick={() => onSelect(selected === h ? "" : h)}
            className="rounded-full border border-red-300 bg-white px-2.5 py-0.5 text-xs font-medium text-red-900 hover:bg-red-100 focus-visible:outline-2 focus-visible:outline-sky-600 aria-pressed:bg-red-800 aria-pressed:text-white dark:border-red-800 dark:bg-slate-900 dark:text-red-200 dark:hover:bg-red-900 dark:aria-pressed:bg-red-300 dark:aria-pressed:text-red-950"
          >
            {t("countHealth", { count: n, health: th(h).toLowerCase() })}
          </button>
        ))}
      </div>
      <ul className="mt-2 space-y-1 text-sm">
        {rows.slice(0, LISTED).map(({ c, health }) => (
          <li key={c.id} className="flex flex-wrap items-center gap-x-2">
            <HealthBadge health={health} />
            <a translate="no" href={`/credentials/${c.id}`} className="font-medium text-sky-800 hover:underline dark:text-sky-300">
              {c.appName} {kindLabel(c.kindLabel)}
            </a>
            <span className="text-slate-700 dark:text-slate-300">
              <BreaksIn at={c.impact.breaksAt} />
              {c.impact.blockedBy ? " · " : ""}
              {c.impact.blockedBy && <SentenceText sentence={c.impact.blockedBySentence} fallback={c.impact.blockedBy} />}
            </span>
          </li>
        ))}
        {urgent > LISTED && <li className="text-slate-600 dark:text-slate-400">{t("moreBelow", { count: urgent - LISTED })}</li>}
      </ul>
    </section>
  );
}

/**
 * "breaks in 4m 10s" (ticking each second on its own), or "failing now" once it has; grey while
 * nothing on the page is confirmed (counted from the last known expiry).
 */
function BreaksIn({ at }: { at: string | null }) {
  const t = useTranslations("overview");
  const duration = useFormatDuration();
  const breaks = useSecondsLeft(at);
  const unconfirmed = useUnconfirmed();
  return (
    <span {...unconfirmed} className={unconfirmed ? UNCONFIRMED_TEXT : undefined}>
      {breaks !== null && breaks > 0 ? t("breaksIn", { duration: duration(breaks) }) : t("failingNow")}
    </span>
  );
}
