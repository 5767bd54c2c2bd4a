"use client";
import { useTranslations } from "next-intl";
import { useState, type FormEvent } from "react";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { useChangeUser, useCreateUser, useUsers } from "./api/users";
import { ROLES, type Role } from "@/lib/roles";
import { DataTable } from "@/components/ui/data-table";
import { DateTime } from "@/components/ui/date-time";
import { ErrorMessage, StatusMessage } from "@/components/ui/feedback";
import { DataRow, EnableToggle, RowActions, StateText } from "@/components/ui/table-row";
import { useSession } from "@/components/session/session-context";
import { field, panel, primary, small } from "@/components/ui/styles";

/** Users: add one with a role, change roles, reset a password, disable or enable. */
export function UsersPanel() {
  const { data, isPending, error } = useUsers();
  const create = useCreateUser();
  const change = useChangeUser();
  const me = useSession();
  const t = useTranslations("users");
  const tRoles = useTranslations("roles");
  const role = (r: string) => tRoles(r as Role);
  const [form, setForm] = useState({ username: "", password: "", role: "viewer" });
  const [message, setMessage] = useState("");

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setMessage("");
    create.mutate(form, {
      onSuccess: ({ user }) => {
        setMessage(t("added", { username: user.username, role: role(user.role) }));
        setForm({ username: "", password: "", role: "viewer" });
      },
    });
  };

  return (
    <section aria-labelledby="users-title" className="space-y-3">
      <h2 id="users-title" className="text-lg font-semibold">
        {t("title")}
      </h2>
      <form onSubmit={submit} className={`${panel} grid gap-3 sm:grid-cols-[1fr_1fr_auto_auto] sm:items-end`} aria-label={t("addForm")}>
        <label className="text-sm font-medium">
          {t("username")}
          <input className={field} required value={form.username} onChange={(e) => setForm({ ...form, username: e.target.value })} autoComplete="off" />
        </label>
        <label className="text-sm font-medium">
          {t("password")}
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
          {t("role")}
          <select className={field} value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value })}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {role(r)}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className={primary} disabled={create.isPending}>
          {create.isPending ? t("adding") : t("add")}
        </button>
        <p id="pw-rule" className="text-xs text-slate-600 sm:col-span-4 dark:text-slate-400">
          {t("rules")} {ROLES.map((r) => t("roleInfo", { role: role(r), info: tRoles(`info.${r}`) })).join(" · ")}
        </p>
      </form>
      <StatusMessage>{message}</StatusMessage>
      <ErrorMessage error={create.error} />
      <ErrorMessage error={change.error} />
      <DataTable
        region={t("region")}
        caption={t("caption")}
        columns={[t("colUser"), t("colRole"), t("colAdded"), t("colState"), ""]}
        minWidth="min-w-[640px]"
        compact
        loading={isPending && t("loading")}
        error={error && !data && t("loadFailed", { error: error.message })}
      >
        {data?.users.map((u) => (
          <DataRow key={u.id} name={u.username}>
            <td className="px-4 py-2 font-medium">
              {u.username}
              {u.username === me.username && <span className="ml-2 text-xs font-normal text-slate-500 dark:text-slate-400">{t("you")}</span>}
            </td>
            <td className="px-4 py-2">
              <select
                aria-label={t("roleOf", { username: u.username })}
                value={u.role}
                disabled={change.isPending}
                onChange={(e) =>
                  change.mutate(
                    { id: u.id, change: { role: e.target.value } },
                    { onSuccess: ({ user }) => setMessage(t("roleChanged", { username: user.username, role: role(user.role) })) },
                  )
                }
                className="rounded-md border border-slate-300 bg-white px-2 py-1 text-sm dark:border-slate-600 dark:bg-slate-950"
              >
                {ROLES.map((r) => (
                  <option key={r} value={r}>
                    {role(r)}
                  </option>
                ))}
              </select>
            </td>
            <td className="px-4 py-2 text-xs">
              <DateTime at={u.createdAt} />
            </td>
            <td className="px-4 py-2">
              <StateText on={!u.disabled} onLabel={t("active")} offLabel={t("inactive")} />
            </td>
            <RowActions>
              {u.username !== me.username && !u.disabled && (
                <ResetPassword id={u.id} username={u.username} onDone={() => setMessage(t("passwordReset", { username: u.username }))} />
              )}
              <EnableToggle
                name={u.username}
                enabled={!u.disabled}
                consequence={<p>{t("disableConsequence")}</p>}
                onChange={(enabled) =>
                  change.mutate(
                    { id: u.id, change: { disabled: !enabled } },
                    { onSuccess: () => setMessage(t(enabled ? "enabled" : "disabled", { username: u.username })) },
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

/**
 * "Reset password" for another user (someone locked out at 3 a.m.): the admin types a new one, at
 * least 12 characters like any password; the user's sessions end at once (server/auth/manage-users.ts).
 * The admin hands the password over themselves: it is never shown again nor sent anywhere.
 */
function ResetPassword({ id, username, onDone }: { id: string; username: string; onDone: () => void }) {
  const t = useTranslations("users");
  const change = useChangeUser();
  const [open, setOpen] = useState(false);
  const [password, setPassword] = useState("");
  const close = () => {
    setOpen(false);
    setPassword("");
    change.reset();
  };
  return (
    <>
      <button type="button" className={small} onClick={() => setOpen(true)} aria-label={t("resetPasswordOf", { username })}>
        {t("resetPassword")}
      </button>
      <ConfirmDialog
        open={open}
        focusField
        title={t("resetPasswordTitle", { username })}
        confirmLabel={change.isPending ? t("resetting") : t("resetConfirm")}
        onCancel={close}
        onConfirm={() => {
          if (change.isPending) return;
          change.mutate(
            { id, change: { password } },
            {
              onSuccess: () => {
                close();
                onDone();
              },
            },
          );
        }}
      >
        <p>{t("resetConsequence", { username })}</p>
        <label className="block text-sm font-medium">
          {t("newPassword")}
          <input
            className={field}
            required
            type="password"
            minLength={12}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            autoComplete="new-password"
          />
        </label>
        <p className="text-xs text-slate-600 dark:text-slate-400">{t("rules")}</p>
        <ErrorMessage error={change.error} />
      </ConfirmDialog>
    </>
  );
}
