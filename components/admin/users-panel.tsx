"use client";
import { useState, type FormEvent } from "react";
import { useChangeUser, useCreateUser, useUsers } from "./api/users";
import { ROLE_INFO, ROLES } from "@/lib/roles";
import { DataTable } from "@/components/ui/data-table";
import { ErrorMessage, StatusMessage } from "@/components/ui/feedback";
import { DataRow, EnableToggle, RowActions, StateText } from "@/components/ui/table-row";
import { useSession } from "@/components/session/session-context";
import { field, panel, primary } from "@/components/ui/styles";

/** Users: add one with a role, change roles, disable or enable. */
export function UsersPanel() {
  const { data, isPending, error } = useUsers();
  const create = useCreateUser();
  const change = useChangeUser();
  const me = useSession();
  const [form, setForm] = useState({ username: "", password: "", role: "viewer" });
  const [message, setMessage] = useState("");

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setMessage("");
    create.mutate(form, {
      onSuccess: ({ user }) => {
        setMessage(`Added ${user.username} as ${user.role}.`);
        setForm({ username: "", password: "", role: "viewer" });
      },
    });
  };

  return (
    <section aria-labelledby="users-title" className="space-y-3">
      <h2 id="users-title" className="text-lg font-semibold">
        Users
      </h2>
      <form onSubmit={submit} className={`${panel} grid gap-3 sm:grid-cols-[1fr_1fr_auto_auto] sm:items-end`} aria-label="Add a user">
        <label className="text-sm font-medium">
          Username
          <input className={field} required value={form.username} onChange={(e) => setForm({ ...form, username: e.target.value })} autoComplete="off" />
        </label>
        <label className="text-sm font-medium">
          Password
          <input
            className={field}
            required
            type="password"
            minLength={12}
            value={form.password}
            onChange={(e) => setForm({ ...form, password: e.target.value })}
            autoComplete="new-password"
            aria-describedby="pw-rule"
          />
        </label>
        <label className="text-sm font-medium">
          Role
          <select className={field} value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value })}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className={primary} disabled={create.isPending}>
          {create.isPending ? "Adding…" : "Add user"}
        </button>
        <p id="pw-rule" className="text-xs text-slate-600 sm:col-span-4 dark:text-slate-400">
          Passwords: at least 12 characters. {ROLES.map((r) => `${r}: ${ROLE_INFO[r]}`).join(" · ")}.
        </p>
      </form>
      <StatusMessage>{message}</StatusMessage>
      <ErrorMessage error={create.error} />
      <ErrorMessage error={change.error} />
      <DataTable
        region="Users"
        caption="Users"
        columns={["User", "Role", "State", ""]}
        minWidth="min-w-[560px]"
        compact
        loading={isPending && "Loading users…"}
        error={error && !data && `Could not load the users: ${error.message}`}
      >
        {data?.users.map((u) => (
          <DataRow key={u.id} name={u.username}>
            <td className="px-4 py-2 font-medium">
              {u.username}
              {u.username === me.username && <span className="ml-2 text-xs font-normal text-slate-500 dark:text-slate-400">(you)</span>}
            </td>
            <td className="px-4 py-2">
              <select
                aria-label={`Role of ${u.username}`}
                value={u.role}
                disabled={change.isPending}
                onChange={(e) =>
                  change.mutate(
                    { id: u.id, change: { role: e.target.value } },
                    { onSuccess: ({ user }) => setMessage(`${user.username} is now ${user.role}.`) },
                  )
                }
                className="rounded-md border border-slate-300 bg-white px-2 py-1 text-sm dark:border-slate-600 dark:bg-slate-950"
              >
                {ROLES.map((r) => (
                  <option key={r} value={r}>
                    {r}
                  </option>
                ))}
              </select>
            </td>
            <td className="px-4 py-2">
              <StateText on={!u.disabled} onLabel="active" offLabel="disabled" />
            </td>
            <RowActions>
              <EnableToggle
                name={u.username}
                enabled={!u.disabled}
                consequence={<p>They are signed out everywhere at once and cannot sign in until an admin enables them again.</p>}
                onChange={(enabled) =>
                  change.mutate(
                    { id: u.id, change: { disabled: !enabled } },
                    { onSuccess: () => setMessage(enabled ? `Enabled ${u.username}.` : `Disabled ${u.username}; their sessions ended.`) },
                  )
                }
              />
            </RowActions>
          </DataRow>
        ))}
      </DataTable>
    </section>
  );
}
