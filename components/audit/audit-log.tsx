"use client";
import { useTranslations } from "next-intl";
import { memo, useId, useState } from "react";
import { DataTable } from "@/components/ui/data-table";
import { DateTime } from "@/components/ui/date-time";
import { FilterSelect } from "@/components/ui/filter-select";
import type { AuditEvent } from "@/lib/audit-view";
import { useAudit } from "./api/get-audit";
import { useAuditLabels } from "./audit-labels";

/** Every manual action: who, when, what, and how it went; newest first. */
export function AuditLog() {
  const t = useTranslations("audit");
  const { actionLabel } = useAuditLabels();
  const { data, isPending, error } = useAudit();
  const [action, setAction] = useState("");
  const id = useId();
  const actions = [...new Set((data?.events ?? []).map((e) => e.action))].map((a) => [a, actionLabel(a)] as const).sort((x, y) => x[1].localeCompare(y[1]));
  const events = (data?.events ?? []).filter((e) => !action || e.action === action);

  return (
    <section aria-labelledby="audit-title" className="space-y-4">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 id="audit-title" className="text-2xl font-semibold tracking-tight">
            {t("title")}
          </h1>
          <p className="text-sm text-slate-600 dark:text-slate-400">{t("intro")}</p>
        </div>
        <FilterSelect id={id} label={t("filter")} anyLabel={t("allActions")} value={action} options={actions} onChange={setAction} />
      </div>
      <DataTable
        region={t("region")}
        caption={t("caption")}
        columns={[t("colTime"), t("colWho"), t("colAction"), t("colOutcome"), t("colDetail")]}
        minWidth="min-w-[720px]"
        loading={isPending && t("loading")}
        error={error && !data && t("loadFailed", { error: error.message })}
        empty={events.length === 0 && (action ? t("emptyFiltered") : t("empty"))}
      >
        {events.map((e) => (
          <AuditRow key={e.id} event={e} />
        ))}
      </DataTable>
    </section>
  );
}

/**
 * One event, drawn once: an event is written once and never changes, so a row with the same id
 * shows the same thing (the page's language and zone still redraw it: they come from context). At
 * each change the log is read again whole, in every open tab on it, and the new event comes first:
 * by position (TanStack Query's structural sharing) every row differed, and all 200 were drawn again.
 */
const AuditRow = memo(
  function AuditRow({ event: e }: { event: AuditEvent }) {
    const { actionLabel, outcomeLabel } = useAuditLabels();
    return (
      <tr className="border-t border-slate-100 align-top dark:border-slate-800">
        <td className="whitespace-nowrap px-4 py-2">
          <DateTime at={e.at} />
        </td>
        <td className="px-4 py-2">{e.actor}</td>
        <td className="px-4 py-2">
          {e.action.startsWith("credential.") && e.target ? (
            <a href={`/credentials/${e.target}`} className="text-sky-700 hover:underline dark:text-sky-400">
              {actionLabel(e.action)}
            </a>
          ) : (
            actionLabel(e.action)
          )}
        </td>
        <td className={`px-4 py-2 ${e.outcome.startsWith("failed") ? "text-red-700 dark:text-red-400" : ""}`}>{outcomeLabel(e.outcome)}</td>
        {/* Details are data (names, ids, what changed), shown as recorded. */}
        <td translate="no" className="px-4 py-2 text-slate-600 dark:text-slate-400">
          {e.detail ?? "—"}
        </td>
      </tr>
    );
  },
  (before, after) => before.event.id === after.event.id,
);
