import { type ReactNode, useId } from "react";

/** A CSS string literal for `content:` (header texts are plain words, but quote them properly). */
const cssString = (s: string) => `"${s.replace(/[\\"]/g, "\\$&").replace(/</g, "\\3c ").replace(/\n/g, " ")}"`;

/**
 * Below the `sm` breakpoint each row is a card: its cells stack, each after its column's header
 * (drawn by CSS from the `columns`, so callers keep writing plain `<td>`s), and the actions stay
 * on screen instead of past a sideways scroll.
 */
function cardLabels(scope: string, columns: readonly string[]): string {
  const rules = columns
    .map((h, i) =>
      h
        ? `[data-table="${scope}"] td:nth-child(${i + 1})::before{content:${cssString(h)}}`
        : // A column without a header holds the row's buttons: side by side, wrapping if they must.
          `[data-table="${scope}"] td:nth-child(${i + 1}):not(:empty){display:flex;flex-wrap:wrap;gap:.5rem;padding-top:.5rem}`,
    )
    .join("");
  return `@media (width < 40rem){${rules}}`;
}

/** Card layout below `sm`: no header row (each cell carries its label above its value), cells stacked. */
const cards =
  "max-sm:block max-sm:min-w-0 max-sm:[&_thead]:sr-only max-sm:[&_tbody]:block max-sm:[&_tbody>tr]:block max-sm:[&_tbody>tr]:py-2 max-sm:[&_tbody>tr>td]:block max-sm:[&_tbody>tr>td]:py-1 max-sm:[&_tbody>tr>td]:text-left max-sm:[&_tbody>tr>td]:whitespace-normal max-sm:[&_tbody>tr>td]:[overflow-wrap:anywhere] max-sm:[&_tbody>tr>td:empty]:hidden max-sm:[&_tbody>tr>td]:before:block max-sm:[&_tbody>tr>td]:before:text-xs max-sm:[&_tbody>tr>td]:before:font-medium max-sm:[&_tbody>tr>td]:before:text-slate-500 max-sm:dark:[&_tbody>tr>td]:before:text-slate-400";

/**
 * The dashboard's table: a keyboard-scrollable region with an accessible name, a caption for
 * screen readers, column headers with scope, and one place for the loading, error and empty states.
 * Rows are the caller's `<tr>`s; on a phone they become cards (see `cardLabels`).
 */
export function DataTable({
  region,
  caption,
  columns,
  minWidth,
  loading,
  error,
  empty,
  compact = false,
  children,
}: {
  /** The scroll region's accessible name. */
  region: string;
  caption: string;
  /** Header texts; "" for an actions column. */
  columns: readonly string[];
  /** A Tailwind min-width class, e.g. "min-w-[720px]". */
  minWidth: string;
  /** A message while the first answer is on its way (the table is not shown). */
  loading?: string | false;
  /** A message when there is nothing to show because loading failed. */
  error?: string | null | false;
  /** What to say when there are no rows. */
  empty?: ReactNode;
  /** Less padding around the messages (tables inside a page section). */
  compact?: boolean;
  children?: ReactNode;
}) {
  const pad = compact ? "p-6" : "p-8";
  const scope = useId();
  return (
    <div
      tabIndex={0}
      role="region"
      aria-label={region}
      className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm dark:border-slate-800 dark:bg-slate-900"
    >
      <style>{cardLabels(scope, columns)}</style>
      {loading ? (
        <p role="status" className={`${pad} text-center text-sm text-slate-500 dark:text-slate-400`}>
          {loading}
        </p>
      ) : error ? (
        <p role="alert" className="p-6 text-sm text-red-700 dark:text-red-400">
          {error}
        </p>
      ) : empty ? (
        <p className={`${pad} text-center text-sm text-slate-500 dark:text-slate-400`}>{empty}</p>
      ) : (
        <table data-table={scope} className={`w-full ${minWidth} text-left text-sm ${cards}`}>
          <caption className="sr-only">{caption}</caption>
          <thead className="bg-slate-50 text-xs uppercase tracking-wide text-slate-500 dark:bg-slate-800/50 dark:text-slate-400">
            <tr>
              {columns.map((h, i) => (
                <th key={`${i}-${h}`} scope="col" className="px-4 py-2 font-medium">
                  {h}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>{children}</tbody>
        </table>
      )}
    </div>
  );
}
