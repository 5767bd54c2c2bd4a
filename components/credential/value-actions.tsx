"use client";
import { useTranslations } from "next-intl";
import { useSession } from "@/components/session/session-context";
import { useState } from "react";
import { small } from "@/components/ui/styles";
import { revealValue } from "./api/reveal-value";

/** A masked value with Reveal/Hide and Copy; both go through the server, which audits them. */
export function ValueActions({ credentialId, versionId, masked, label }: { credentialId: string; versionId?: string; masked: string; label: string }) {
  const [shown, setShown] = useState<string | null>(null);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const { can } = useSession();
  const t = useTranslations("credential");

  async function run(action: "reveal" | "copy") {
    setBusy(true);
    setMessage(null);
    try {
      const { value } = await revealValue(credentialId, action, versionId);
      if (action === "reveal") {
        setShown(value);
      } else {
        try {
          await navigator.clipboard.writeText(value);
          setMessage({ ok: true, text: t("copied") });
        } catch {
          setMessage({ ok: false, text: t("clipboardBlocked") });
        }
      }
    } catch (err) {
      setMessage({ ok: false, text: err instanceof Error ? err.message : String(err) });
    } finally {
      setBusy(false);
    }
  }

  if (!can("operator")) {
    return (
      <code
        aria-label={t("valueLabel", { label })}
        title={t("revealNeedsOperator")}
        className="break-all rounded bg-slate-100 px-1.5 py-0.5 font-mono text-sm dark:bg-slate-800"
      >
        {masked}
      </code>
    );
  }
  return (
    <div className="space-y-1">
      <div className="flex flex-wrap items-center gap-2">
        <code aria-label={t("valueLabel", { label })} className="break-all rounded bg-slate-100 px-1.5 py-0.5 font-mono text-sm dark:bg-slate-800">
          {shown ?? masked}
        </code>
        <button
          type="button"
          className={small}
          disabled={busy}
          onClick={() => (shown ? setShown(null) : run("reveal"))}
          aria-label={t(shown ? "hideLabel" : "revealLabel", { label })}
        >
          {shown ? t("hide") : t("reveal")}
        </button>
        <button type="button" className={small} disabled={busy} onClick={() => run("copy")} aria-label={t("copyLabel", { label })}>
          {t("copy")}
        </button>
      </div>
      <p role="status" aria-live="polite" className={`text-xs ${message?.ok ? "text-emerald-700 dark:text-emerald-400" : "text-red-700 dark:text-red-400"}`}>
        {message?.text}
      </p>
    </div>
  );
}
