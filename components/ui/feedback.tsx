/**
 * The two lines above a table or under a form: what just worked (a polite live region, present
 * even when empty so screen readers announce the next message) and what failed.
 */
export function StatusMessage({ children }: { children: string }) {
  return (
    <p role="status" aria-live="polite" className="text-sm text-emerald-700 dark:text-emerald-400">
      {children}
    </p>
  );
}

/** A failed mutation's (or form's) message, or nothing while there is none. */
export function ErrorMessage({ error }: { error: Error | string | null | undefined }) {
  if (!error) return null;
  return (
    <p role="alert" className="text-sm text-red-700 dark:text-red-400">
      {typeof error === "string" ? error : error.message}
    </p>
  );
}
