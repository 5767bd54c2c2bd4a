import type { Metadata } from "next";
import { ApiKeysPanel } from "@/components/admin/api-keys-panel";
import { UsersPanel } from "@/components/admin/users-panel";
import { RequireRole } from "@/components/session/session-context";

export const metadata: Metadata = { title: "Users & keys · Ticket Hub" };

export default function AdminPage() {
  return (
    <RequireRole role="admin" what="Managing users and API keys">
      <div className="space-y-8">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">Users &amp; keys</h1>
          <p className="text-sm text-slate-600 dark:text-slate-400">Who may sign in to this dashboard, and which services may read which apps&apos; tickets.</p>
        </div>
        <UsersPanel />
        <ApiKeysPanel />
      </div>
    </RequireRole>
  );
}
