"use client";
import { useTranslations } from "next-intl";
import { failedText } from "@/components/ui/fetch-json";
import { useSession } from "@/components/session/session-context";
import { useCheckCredential } from "./api/check-credential";
import { useFormatDuration } from "@/components/ui/countdown";
import { SentenceText } from "@/components/ui/sentence";

/** Check: our own validity of the current value, and the vendor's answer where it offers a check (yzb). */
export function CheckAction({ credentialId, label }: { credentialId: string; label: string }) {
  const { can } = useSession();
  const check = useCheckCredential();
  const r = check.data;
  const t = useTranslations("credential");
  const formatDuration = useFormatDuration();
  if (!can("operator")) return null;
  return (
    <div>
      <button
        type="button"
        onClick={() => check.mutate(credentialId)}
        disabled={check.isPending}
        aria-label={t("checkLabel", { label })}
        className="inline-flex items-center gap-2 whitespace-nowrap rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium shadow-sm hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-600 disabled:cursor-wait disabled:opacity-60 dark:border-slate-700 dark:bg-slate-900 dark:hover:bg-slate-800"
      >
        {check.isPending ? t("checking") : t("check")}
      </button>
      <div role="status" aria-live="polite" aria-label={t("checkResult")} className="mt-1 max-w-sm space-y-0.5 text-xs">
        {check.isError && <p className="text-red-700 dark:text-red-400">{failedText(t("checkFailed"), check.error)}</p>}
        {r && (
          <>
            <p className={r.local.valid ? "text-emerald-700 dark:text-emerald-400" : "text-red-700 dark:text-red-400"}>
              {r.local.valid
                ? t("locallyValid", { duration: formatDuration(r.local.remainingSeconds), generation: String(r.local.generation) })
                : t("locallyInvalid")}
            </p>
            {r.probe.available ? (
              <p
                className={
                  r.probe.outcome === "valid"
                    ? "text-emerald-700 dark:text-emerald-400"
                    : r.probe.outcome === "skipped"
                      ? "text-slate-600 dark:text-slate-400"
                      : "text-red-700 dark:text-red-400"
                }
              >
                <SentenceText sentence={r.probe.sentence} fallback={r.probe.message} />
              </p>
            ) : (
              <p className="text-slate-600 dark:text-slate-400">
                <SentenceText sentence={r.probe.sentence} fallback={r.probe.explanation} />
              </p>
            )}
          </>
        )}
      </div>
    </div>
  );
}
