"use client";
import { useTranslations } from "next-intl";
import { ApiError, failedText } from "@/components/ui/fetch-json";
import { SentenceText } from "@/components/ui/sentence";
import { isSentence, type Sentence } from "@/lib/sentence";
import { useSession } from "@/components/session/session-context";
import { useRefreshCredential } from "@/components/credential/api/refresh-credential";
import type { CredentialView } from "@/lib/credential-view";
import { ConfirmAction } from "@/components/ui/confirm-action";

/** What the server said a failed refresh ran into, as a sentence (older servers: none, the English detail is shown). */
function failedSentence(error: Error): Sentence | null {
  const said = error instanceof ApiError ? (error.body as { detailSentence?: unknown } | null)?.detailSentence : undefined;
  return isSentence(said) ? said : null;
}

/**
 * The Refresh button: confirms first, saying what the call costs at the vendor; joins a refresh
 * that is already running instead of starting another; shows progress and the outcome.
 */
export function RefreshAction({ credential: c, label, align = "right" }: { credential: CredentialView; label: string; align?: "left" | "right" }) {
  const { can } = useSession();
  const t = useTranslations("refresh");
  const refresh = useRefreshCredential();
  const busy = refresh.isPending || c.refreshing;
  const q = c.quota;
  if (!can("operator")) return null;
  return (
    <>
      <ConfirmAction
        label={t("label", { label })}
        disabled={refresh.isPending}
        className="inline-flex items-center gap-2 whitespace-nowrap rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium shadow-sm hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-600 disabled:cursor-wait disabled:opacity-60 dark:border-slate-700 dark:bg-slate-900 dark:hover:bg-slate-800"
        title={t("title", { label })}
        confirmLabel={c.refreshing ? t("join") : t("now")}
        onConfirm={() => refresh.mutate({ id: c.id, ifGeneration: c.generation })}
        body={
          <>
            {c.refreshing ? (
              <p>{c.lease ? t("runningOn", { instance: c.lease.instance }) : t("running")}</p>
            ) : (
              <p>{q ? t.rich("fetchesWith", { endpoint: q.endpoint, code: (chunks) => <code className="font-mono">{chunks}</code> }) : t("fetches")}</p>
            )}
            {q && !c.refreshing && (
              <p data-testid="quota-cost" className={q.low ? "font-medium text-amber-800 dark:text-amber-300" : ""}>
                {q.exhausted
                  ? t("quotaExhausted", { used: q.used })
                  : q.limit !== null
                    ? t("quotaLeft", { left: String(q.limit - q.used), used: String(q.used), limit: String(q.limit) })
                    : t("quotaUnpublished", { used: q.used })}
              </p>
            )}
          </>
        }
      >
        {busy && <span aria-hidden className="h-3 w-3 animate-spin rounded-full border-2 border-slate-400 border-t-transparent" />}
        {busy ? t("busy") : t("button")}
      </ConfirmAction>
      <div role="status" aria-live="polite" className={`mt-1 text-xs ${align === "right" ? "md:text-right" : ""}`}>
        {refresh.isError && (
          <span className="text-red-700 dark:text-red-400">
            {failedSentence(refresh.error)
              ? t.rich("failedWith", { error: () => <SentenceText sentence={failedSentence(refresh.error)} /> })
              : failedText(t("failed"), refresh.error)}
          </span>
        )}
        {refresh.isSuccess && (
          <span className="text-emerald-700 dark:text-emerald-400">
            {t("outcome", {
              outcome: t(refresh.data.alreadyNewer ? "alreadyNewer" : refresh.data.joined ? "joined" : "refreshed"),
              generation: String(refresh.data.credential.generation),
            })}
          </span>
        )}
      </div>
    </>
  );
}
