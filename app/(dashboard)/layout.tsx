import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";
import type { ReactNode } from "react";
import { SessionProvider } from "@/components/session/session-context";
import { SignOutButton } from "@/components/session/sign-out-button";
import { StaleBanner, UpdatedAgo } from "@/components/ui/freshness-status";
import { LanguageSwitch } from "@/components/ui/language-switch";
import { LiveSeed, LiveUpdates } from "@/components/ui/live-updates";
import { NavLinks } from "@/components/ui/nav-links";
import { TimeZoneSwitch } from "@/components/ui/time-zone-switch";
import { REQUESTED_PATH_HEADER } from "@/lib/requested-path";
import { roleAllows, type Role } from "@/lib/roles";
import { currentUser } from "@/server/http/current-user";
import { pageTopics } from "@/server/live/changes";
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
  // Read before anything the browser asks for, and beside what the page reads itself (Prefetched says its own).
  const [t, tApp, tRoles, topics] = await Promise.all([getTranslations("nav"), getTranslations("app"), getTranslations("roles"), pageTopics()]);
  return (
    <>
      {/*
        Two rows whatever the width of what is in them: the brand and the account on top, the pages
        below. The nav's place never depends on the account row (a freshness text appearing after
        hydration used to wrap the header and move every link from under a pointer mid-click).
      */}
      <header className="border-b border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
        <div className="mx-auto max-w-7xl px-4 pt-3 pb-1.5">
          <div className="flex flex-wrap items-center justify-between gap-x-4 gap-y-1">
            <a href="/" className="flex items-center gap-2 whitespace-nowrap font-semibold">
              <span aria-hidden className="grid h-7 w-7 place-items-center rounded-md bg-sky-700 text-xs font-bold text-white">
                TH
              </span>
              {tApp("name")}
            </a>
            <div className="flex flex-wrap items-center justify-end gap-2 text-sm">
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
          <NavLinks label={t("label")} links={NAV.filter(([, , role]) => roleAllows(user.role, role)).map(([href, key]) => ({ href, label: t(key) }))} />
        </div>
      </header>
      <main id="main" className="mx-auto max-w-7xl px-4 py-6">
        <SessionProvider user={{ username: user.username, role: user.role }}>
          <Providers>
            <LiveUpdates />
            <LiveSeed topics={topics} />
            <StaleBanner />
            {children}
          </Providers>
        </SessionProvider>
      </main>
    </>
  );
}
