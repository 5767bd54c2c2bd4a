"use client";
import { useTranslations } from "next-intl";
import { useState, type FormEvent } from "react";
import { ApiError } from "@/components/ui/fetch-json";
import { setUpFirstAdmin, signIn } from "./api/sign-in";
import type { Role } from "@/lib/roles";
import { signInField } from "@/components/ui/styles";

/** Sign in, or on a fresh install with no users, create the first admin. */
export function SignInForm({
  mode,
  next,
  demoAccounts,
}: {
  mode: "signin" | "setup";
  next: string;
  demoAccounts: { username: string; password: string; role: Role }[];
}) {
  const t = useTranslations("signIn");
  const tRoles = useTranslations("roles");
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(u: string, p: string) {
    setBusy(true);
    setError(null);
    try {
      await (mode === "setup" ? setUpFirstAdmin(u, p) : signIn(u, p));
      window.location.assign(next);
    } catch (err) {
      setError(err instanceof ApiError ? (err.detail ? `${err.title}. ${err.detail}` : err.title) : String(err));
      setBusy(false);
    }
  }

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    void submit(username, password);
  };

  return (
    <div className="space-y-6">
      <form
        onSubmit={onSubmit}
        className="space-y-4 rounded-lg border border-slate-200 bg-white p-6 shadow-sm dark:border-slate-800 dark:bg-slate-900"
        aria-labelledby="signin-title"
      >
        <div>
          <h1 id="signin-title" className="text-xl font-semibold">
            {mode === "setup" ? t("setupTitle") : t("title")}
          </h1>
          {mode === "setup" && <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">{t("setupIntro")}</p>}
        </div>
        <label className="block text-sm font-medium">
          {t("username")}
          <input name="username" autoComplete="username" required value={username} onChange={(e) => setUsername(e.target.value)} className={signInField} />
        </label>
        <label className="block text-sm font-medium">
          {t("password")}
          <input
            name="password"
            type="password"
            autoComplete={mode === "setup" ? "new-password" : "current-password"}
            required
            minLength={mode === "setup" ? 12 : 1}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            className={signInField}
          />
          {mode === "setup" && <span className="mt-1 block text-xs font-normal text-slate-600 dark:text-slate-400">{t("passwordRule")}</span>}
        </label>
        {error && (
          <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 dark:bg-red-950 dark:text-red-200">
            {error}
          </p>
        )}
        <button
          type="submit"
          disabled={busy}
          className="w-full rounded-md bg-sky-700 px-3 py-2 text-sm font-medium text-white hover:bg-sky-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-600 disabled:opacity-60"
        >
          {busy ? (mode === "setup" ? t("setupSubmitting") : t("submitting")) : mode === "setup" ? t("setupSubmit") : t("submit")}
        </button>
      </form>
      {demoAccounts.length > 0 && (
        <section aria-labelledby="demo-title" className="rounded-lg border border-sky-200 bg-sky-50 p-5 text-sm dark:border-sky-900 dark:bg-sky-950">
          <h2 id="demo-title" className="font-semibold">
            {t("demoTitle")}
          </h2>
          <p className="mt-1 text-slate-700 dark:text-slate-300">{t("demoIntro")}</p>
          <ul className="mt-3 space-y-2">
            {demoAccounts.map((a) => (
              <li key={a.username} className="flex items-center justify-between gap-3">
                <span className="min-w-0 flex-1">
                  <code className="font-mono">{a.username}</code> / <code className="font-mono">{a.password}</code>
                  <span className="block text-xs text-slate-600 dark:text-slate-400">
                    {tRoles(a.role)}: {tRoles(`info.${a.role}`)}
                  </span>
                </span>
                <button
                  type="button"
                  disabled={busy}
                  onClick={() => void submit(a.username, a.password)}
                  className="shrink-0 rounded-md border border-sky-300 bg-white px-3 py-1 text-xs font-medium hover:bg-sky-100 focus-visible:outline-2 focus-visible:outline-sky-600 disabled:opacity-60 dark:border-sky-800 dark:bg-slate-900 dark:hover:bg-sky-900"
                >
                  {t("signInAs", { username: a.username })}
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
