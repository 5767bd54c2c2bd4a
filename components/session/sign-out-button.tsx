"use client";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { signOut } from "./api/sign-out";

export function SignOutButton() {
  const t = useTranslations("nav");
  const [busy, setBusy] = useState(false);
  return (
    <button
      type="button"
      disabled={busy}
      onClick={async () => {
        setBusy(true);
        await signOut().catch(() => undefined);
        window.location.assign("/signin");
      }}
      className="rounded px-2 py-1 text-sm font-medium text-slate-700 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-sky-600 disabled:opacity-60 dark:text-slate-300 dark:hover:bg-slate-800"
    >
      {busy ? t("signingOut") : t("signOut")}
    </button>
  );
}
