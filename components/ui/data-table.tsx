import type { ReactNode } from "react";

/**
 * The dashboard's table: a keyboard-scrollable region with an accessible name, a caption for
 * screen readers, column headers with scope, and one place for the loading, error and empty states.
 * Rows are the caller's `<tr>`s.
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
  return (
    <div
      tabIndex={0}
      role="region"
      aria-label={region}
      className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm dark:border-slate-800 dark:bg-slate-900"
    >
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
        <table className={`w-full ${minWidth} text-left text-sm`}>
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
