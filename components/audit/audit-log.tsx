"use client";
import { useId, useState } from "react";
import { DataTable } from "@/components/ui/data-table";
import { useAudit } from "./api/get-audit";

const ACTION_LABELS: Record<string, string> = {
  "credential.refresh": "Refresh",
  "credential.reveal": "Reveal",
  "credential.copy": "Copy",
  "nonce.issue": "NONCE issued",
  "nonce.mark-used": "NONCE marked used",
  "proxy.force_refresh": "force_refresh through the proxy",
  "app.create": "App added",
  "app.update": "App changed",
  "app.enable": "App enabled",
  "app.disable": "App disabled",
  "user.signin": "Sign-in",
  "user.signin.attack": "Sign-in attack on a username",
  "user.signout": "Sign-out",
  "user.created": "User created",
  "user.changed": "User changed",
  "apikey.created": "API key created",
  "apikey.revoked": "API key revoked",
};

/** Every manual action: who, when, what, and how it went; newest first. */
export function AuditLog() {
  const { data, isPending, error } = useAudit();
  const [action, setAction] = useState("");
  const id = useId();
  const actions = [...new Set((data?.events ?? []).map((e) => e.action))].sort();
  const events = (data?.events ?? []).filter((e) => !action || e.action === action);

  return (
    <section aria-labelledby="audit-title" className="space-y-4">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 id="audit-title" className="text-2xl font-semibold tracking-tight">
            Audit log
          </h1>
          <p className="text-sm text-slate-600 dark:text-slate-400">
            Every manual action: refreshes, reveals and copies, NONCE tickets, app changes, sign-ins, users and API keys. The newest 200.
          </p>
        </div>
        <div className="flex flex-col gap-1">
          <label htmlFor={id} className="text-xs font-medium text-slate-600 dark:text-slate-400">
            Action
          </label>
          <select
            id={id}
            value={action}
            onChange={(e) => setAction(e.target.value)}
            className="rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm dark:border-slate-600 dark:bg-slate-950"
          >
            <option value="">All actions</option>
            {actions.map((a) => (
              <option key={a} value={a}>
                {ACTION_LABELS[a] ?? a}
              </option>
            ))}
          </select>
        </div>
      </div>
      <DataTable
        region="Audit events"
        caption="Manual actions, newest first"
        columns={["Time", "Who", "Action", "Outcome", "Detail"]}
        minWidth="min-w-[720px]"
        loading={isPending && "Loading the audit log…"}
        error={error && !data && `Could not load the audit log: ${error.message}`}
        empty={events.length === 0 && (action ? "No events of this kind yet." : "Nothing has been done by hand yet.")}
      >
        {events.map((e) => (
          <tr key={e.id} className="border-t border-slate-100 align-top dark:border-slate-800">
            <td className="whitespace-nowrap px-4 py-2">{new Date(e.at).toLocaleString()}</td>
            <td className="px-4 py-2">{e.actor}</td>
            <td className="px-4 py-2">
              {e.action.startsWith("credential.") && e.target ? (
                <a href={`/credentials/${e.target}`} className="text-sky-700 hover:underline dark:text-sky-400">
                  {ACTION_LABELS[e.action] ?? e.action}
                </a>
              ) : (
                (ACTION_LABELS[e.action] ?? e.action)
              )}
            </td>
            <td className={`px-4 py-2 ${e.outcome.startsWith("failed") ? "text-red-700 dark:text-red-400" : ""}`}>{e.outcome}</td>
            <td className="px-4 py-2 text-slate-600 dark:text-slate-400">{e.detail ?? "—"}</td>
          </tr>
        ))}
      </DataTable>
    </section>
  );
}
