"use client";
import { useTranslations } from "next-intl";
import type { ReactNode } from "react";
import { ConfirmAction } from "./confirm-action";
import { small } from "./styles";

/** A DataTable row: named for screen readers (and tests) by the thing it shows. */
export function DataRow({ name, top = false, children }: { name: string; top?: boolean; children: ReactNode }) {
  return (
    <tr aria-label={name} className={`border-t border-slate-100 dark:border-slate-800${top ? " align-top" : ""}`}>
      {children}
    </tr>
  );
}

/** The first cell of a row: the thing's name, and its id (or key prefix) in small mono type below. */
export function NameCell({ name, sub, children }: { name: string; sub: string; children?: ReactNode }) {
  return (
    <td className="px-4 py-2">
      <div className="font-medium">
        {name}
        {children}
      </div>
      <div translate="no" className="font-mono text-xs text-slate-500 dark:text-slate-400">
        {sub}
      </div>
    </td>
  );
}

/** The last cell of a row: its buttons, right-aligned and kept on one line. */
export function RowActions({ children }: { children: ReactNode }) {
  return <td className="space-x-2 whitespace-nowrap px-4 py-2 text-right">{children}</td>;
}

/** A row's state in words: green while it works, grey while it does not. */
export function StateText({ on, onLabel, offLabel }: { on: boolean; onLabel: string; offLabel: string }) {
  return on ? (
    <span className="text-emerald-700 dark:text-emerald-400">{onLabel}</span>
  ) : (
    <span className="text-slate-500 dark:text-slate-400">{offLabel}</span>
  );
}

/**
 * Disable (asks first, since it takes effect at once) or Enable (does not: nothing is lost) for
 * the thing a row shows, e.g. "Disable alice" / "Enable alice".
 */
export function EnableToggle({
  name,
  enabled,
  pending = false,
  consequence,
  onChange,
}: {
  name: string;
  enabled: boolean;
  pending?: boolean;
  /** What disabling does, said in the confirmation. */
  consequence: ReactNode;
  onChange: (enabled: boolean) => void;
}) {
  const t = useTranslations("confirm");
  if (!enabled) {
    return (
      <button type="button" className={small} disabled={pending} onClick={() => onChange(true)} aria-label={t("enableName", { name })}>
        {t("enable")}
      </button>
    );
  }
  return (
    <ConfirmAction
      label={t("disableName", { name })}
      title={t("disableTitle", { name })}
      confirmLabel={t("disable")}
      body={consequence}
      onConfirm={() => onChange(false)}
    >
      {t("disable")}
    </ConfirmAction>
  );
}
