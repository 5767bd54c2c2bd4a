"use client";
import { useTranslations } from "next-intl";
import { createContext, useContext, type ReactNode } from "react";
import { roleAllows, type Role } from "@/lib/roles";

export type SessionInfo = { username: string; role: Role };

const SessionContext = createContext<SessionInfo | null>(null);

export function SessionProvider({ user, children }: { user: SessionInfo; children: ReactNode }) {
  return <SessionContext.Provider value={user}>{children}</SessionContext.Provider>;
}

/** The signed-in user, and whether their role allows what `need` allows. */
export function useSession(): SessionInfo & { can: (need: Role) => boolean } {
  const user = useContext(SessionContext) ?? { username: "", role: "viewer" as Role };
  return { ...user, can: (need) => roleAllows(user.role, need) };
}

/** The pages behind a role, as `RequireRole` names them. */
export type GuardedPage = "apps" | "admin" | "nonce" | "signatures" | "yzb";
// The English names pages passed before they passed a key (kept until every page passes one).
const LEGACY: Record<string, GuardedPage> = {
  "Managing apps": "apps",
  "Managing users and API keys": "admin",
  "The NONCE desk": "nonce",
  "The signature tools": "signatures",
  "The yzb tools": "yzb",
};

/** Renders its children only for `role` or above; tells everyone else which role it takes. */
export function RequireRole({ role, what, children }: { role: Role; what: GuardedPage | string; children: ReactNode }) {
  const { can, role: mine } = useSession();
  const t = useTranslations("requireRole");
  const tRoles = useTranslations("roles");
  if (can(role)) return <>{children}</>;
  const page = LEGACY[what] ?? what;
  const name = t.has(`what.${page as GuardedPage}`) ? t(`what.${page as GuardedPage}`) : what;
  return (
    <section
      aria-labelledby="role-needed"
      className="mx-auto max-w-xl rounded-lg border border-amber-300 bg-amber-50 p-5 dark:border-amber-700 dark:bg-amber-950"
    >
      <h1 id="role-needed" className="text-lg font-semibold">
        {t("title", { what: name, role: tRoles(role) })}
      </h1>
      <p className="mt-1 text-sm text-slate-700 dark:text-slate-300">
        {t("body", { mine: tRoles(mine), mineInfo: tRoles(`info.${mine}`), role: tRoles(role), roleInfo: tRoles(`info.${role}`) })}
      </p>
    </section>
  );
}
