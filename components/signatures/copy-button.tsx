"use client";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { small } from "@/components/ui/styles";

/** Copies `text` (a computed signature, string or snippet: nothing secret) and says so beside the button. */
export function CopyButton({ text, label }: { text: string; label: string }) {
  const t = useTranslations("signatures");
  const [said, setSaid] = useState<{ ok: boolean; for: string } | null>(null);
  return (
    <span className="inline-flex items-center gap-2">
      <button
        type="button"
        className={small}
        aria-label={label}
        onClick={async () => {
          try {
            await navigator.clipboard.writeText(text);
            setSaid({ ok: true, for: text });
          } catch {
            setSaid({ ok: false, for: text });
          }
        }}
      >
        {t("copy")}
      </button>
      <span role="status" className={`text-xs ${said?.ok ? "text-emerald-700 dark:text-emerald-400" : "text-red-700 dark:text-red-400"}`}>
        {said && said.for === text ? t(said.ok ? "copied" : "copyBlocked") : ""}
      </span>
    </span>
  );
}
