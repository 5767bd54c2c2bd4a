import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";
import type { ReactNode } from "react";
import { SessionProvider } from "@/components/session/session-context";
import { SignOutButton } from "@/components/session/sign-out-button";
import { StaleBanner, UpdatedAgo } from "@/components/ui/freshness-status";
import { LanguageSwitch } from "@/components/ui/language-switch";
import { LiveUpdates } from "@/components/ui/live-updates";
import { TimeZoneSwitch } from "@/components/ui/time-zone-switch";
import { REQUESTED_PATH_HEADER } from "@/lib/requested-path";
import { roleAllows, type Role } from "@/lib/roles";
import { currentUser } from "@/server/http/current-user";
import { Providers } from "../providers";

const NAV = [
  ["/", "overview", "viewer"],
  ["/nonce", "nonce", "operator"],
  ["/signatures", "signatures", "operator"],
  ["/yzb", "yzb", "operator"],
  ["/apps", "apps", "admin"],
  ["/admin", "admin", "admin"],
  ["/audit", "audit", "viewer"],
] as const satisfies readonly (readonly [string, string, Role])[];

/** Every dashboard page: signed-in users only; the nav shows what the user's role can open. */
export default async function DashboardLayout({ children }: { children: ReactNode }) {
  const user = await currentUser();
  if (!user) {
    // proxy.ts tells which page was asked for: after signing in, the visitor lands there.
    const asked = (await headers()).get(REQUESTED_PATH_HEADER);
    redirect(asked && asked !== "/" ? `/signin?next=${encodeURIComponent(asked)}` : "/signin");
  }
  const [t, tApp, tRoles] = await Promise.all([getTranslations("nav"), getTranslations("app"), getTranslations("roles")]);
  return (
    <>
      <header className="border-b border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
        <div className="mx-auto flex max-w-7xl flex-wrap items-center justify-between gap-x-4 gap-y-1 px-4 py-3">
          <a href="/" className="flex items-center gap-2 whitespace-nowrap font-semibold">
            <span aria-hidden className="grid h-7 w-7 place-items-center rounded-md bg-sky-700 text-xs font-bold text-white">
              TH
            </span>
            {tApp("name")}
          </a>
          <nav aria-label={t("label")} className="-mx-2 flex flex-wrap text-sm">
            {NAV.filter(([, , role]) => roleAllows(user.role, role)).map(([href, key]) => (
              <a
                key={href}
                href={href}
                className="whitespace-nowrap rounded px-2 py-1 font-medium text-slate-700 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800"
              >
                {t(key)}
              </a>
            ))}
          </nav>
          <div className="flex flex-wrap items-center gap-2 text-sm">
            <UpdatedAgo />
            <span
              className="whitespace-nowrap text-slate-600 dark:text-slate-400"
              title={t("signedInAs", { username: user.username, role: tRoles(user.role) })}
            >
              <span className="font-medium text-slate-800 dark:text-slate-200">{user.username}</span> · {tRoles(user.role)}
            </span>
            <LanguageSwitch />
            <TimeZoneSwitch />
            <SignOutButton />
          </div>
        </div>
      </header>
      <main id="main" className="mx-auto max-w-7xl px-4 py-6">
        <SessionProvider user={{ username: user.username, role: user.role }}>
          <Providers>
            <LiveUpdates />
            <StaleBanner />
            {children}
          </Providers>
        </SessionProvider>
      </main>
    </>
  );
}
