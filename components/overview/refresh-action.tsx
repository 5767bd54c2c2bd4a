"use client";
import { failedText } from "@/components/ui/fetch-json";
import { useSession } from "@/components/session/session-context";
import { useRefreshCredential } from "@/components/credential/api/refresh-credential";
import type { CredentialView } from "@/lib/credential-view";
import { ConfirmAction } from "@/components/ui/confirm-action";

/**
 * The Refresh button: confirms first, saying what the call costs at the vendor; joins a refresh
 * that is already running instead of starting another; shows progress and the outcome.
 */
export function RefreshAction({ credential: c, label, align = "right" }: { credential: CredentialView; label: string; align?: "left" | "right" }) {
  const { can } = useSession();
  const refresh = useRefreshCredential();
  const busy = refresh.isPending || c.refreshing;
  const q = c.quota;
  if (!can("operator")) return null;
  return (
    <>
      <ConfirmAction
        label={`Refresh ${label}`}
        disabled={refresh.isPending}
        className="inline-flex items-center gap-2 rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium shadow-sm hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-600 disabled:cursor-wait disabled:opacity-60 dark:border-slate-700 dark:bg-slate-900 dark:hover:bg-slate-800"
        title={`Refresh ${label}?`}
        confirmLabel={c.refreshing ? "Join the running refresh" : "Refresh now"}
        onConfirm={() => refresh.mutate({ id: c.id, ifGeneration: c.generation })}
        body={
          <>
            {c.refreshing ? (
              <p>A refresh is already running{c.lease ? ` on ${c.lease.instance}` : ""}. Confirming waits for its result; it costs no extra vendor call.</p>
            ) : (
              <p>
                Ticket Hub fetches a new value now
                {q ? (
                  <>
                    {" "}
                    with one call to <code className="font-mono">{q.endpoint}</code>
                  </>
                ) : null}
                . Clients get the new value at once; the current one stays usable as long as the vendor keeps it valid.
              </p>
            )}
            {q && !c.refreshing && (
              <p
                data-testid="quota-cost"
                className={q.exhausted || (q.limit !== null && q.used / q.limit >= 0.8) ? "font-medium text-amber-800 dark:text-amber-300" : ""}
              >
                {q.exhausted
                  ? `The vendor's daily quota for this endpoint is used up (${q.used} calls today); the call will most likely be refused until 00:00 UTC+8.`
                  : q.limit !== null
                    ? `Quota: this uses 1 of the ${q.limit - q.used} calls left today (${q.used} / ${q.limit} used).`
                    : `The vendor limits this endpoint without publishing a number ("very limited"); ${q.used} ${q.used === 1 ? "call" : "calls"} made today.`}
              </p>
            )}
          </>
        }
      >
        {busy && <span aria-hidden className="h-3 w-3 animate-spin rounded-full border-2 border-slate-400 border-t-transparent" />}
        {busy ? "Refreshing…" : "Refresh"}
      </ConfirmAction>
      <div role="status" aria-live="polite" className={`mt-1 text-xs ${align === "right" ? "md:text-right" : ""}`}>
        {refresh.isError && <span className="text-red-700 dark:text-red-400">{failedText("Refresh failed", refresh.error)}</span>}
        {refresh.isSuccess && (
          <span className="text-emerald-700 dark:text-emerald-400">
            {refresh.data.alreadyNewer ? "Already refreshed by someone else" : refresh.data.joined ? "Joined a refresh already running" : "Refreshed"} ·
            generation {refresh.data.credential.generation}
          </span>
        )}
      </div>
    </>
  );
}
