"use client";
import { createContext, useContext, type ReactNode } from "react";
import { ROLE_INFO, roleAllows, type Role } from "@/lib/roles";

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

/** Renders its children only for `role` or above; tells everyone else which role it takes. */
export function RequireRole({ role, what, children }: { role: Role; what: string; children: ReactNode }) {
  const { can, username, role: mine } = useSession();
  if (can(role)) return <>{children}</>;
  return (
    <section
      aria-labelledby="role-needed"
      className="mx-auto max-w-xl rounded-lg border border-amber-300 bg-amber-50 p-5 dark:border-amber-700 dark:bg-amber-950"
    >
      <h1 id="role-needed" className="text-lg font-semibold">
        {what} needs the {role} role
      </h1>
      <p className="mt-1 text-sm text-slate-700 dark:text-slate-300">
        You are signed in as <strong>{username}</strong> ({mine}: {ROLE_INFO[mine]}). Ask an admin for the {role} role ({ROLE_INFO[role]}).
      </p>
    </section>
  );
}
