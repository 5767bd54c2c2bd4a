// Class lists shared by the dashboard's buttons, fields and panels.
export const small =
  "rounded-md border border-slate-300 px-2.5 py-1 text-xs font-medium hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-600 disabled:opacity-60 dark:border-slate-600 dark:hover:bg-slate-800";
export const primary =
  "rounded-md bg-sky-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-sky-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-600 disabled:opacity-60";
export const field =
  "mt-1 block w-full rounded-md border border-slate-300 bg-white px-2.5 py-1.5 text-sm focus-visible:outline-2 focus-visible:outline-sky-600 dark:border-slate-600 dark:bg-slate-950";
export const panel = "rounded-lg border border-slate-200 bg-white p-4 shadow-sm dark:border-slate-800 dark:bg-slate-900";

/** A button that may hold a spinner beside its text; add colours (or use the two below). */
export const actionButton =
  "inline-flex items-center gap-2 rounded-md px-3 py-1.5 text-sm font-medium focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-600 disabled:opacity-60";
export const primaryAction = `${actionButton} bg-sky-700 text-white hover:bg-sky-800`;
export const secondaryAction = `${actionButton} border border-slate-300 bg-white hover:bg-slate-50 dark:border-slate-600 dark:bg-slate-900 dark:hover:bg-slate-800`;

/** A field in the tool forms, where the label sits above it; `fieldBase` leaves the border colour to the caller. */
export const fieldBase = "w-full rounded-md border bg-white px-2 py-1.5 text-sm dark:bg-slate-950";
export const toolField = `${fieldBase} border-slate-300 dark:border-slate-600`;

/** The sign-in page's larger fields. */
export const signInField =
  "mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm focus-visible:outline-2 focus-visible:outline-sky-600 dark:border-slate-600 dark:bg-slate-900";

/** The filters above a table (search box, selects): no top margin, their label sits above them. */
export const filterControl = "rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm dark:border-slate-600 dark:bg-slate-950";
