"use client";
import { useTranslations } from "next-intl";
import { useState, type FormEvent } from "react";
import { useApiKeys, useCreateApiKey, useRevokeApiKey } from "./api/api-keys";
import { useApps } from "@/components/apps/api/get-apps";
import { ConfirmAction } from "@/components/ui/confirm-action";
import { DataTable } from "@/components/ui/data-table";
import { DateTime } from "@/components/ui/date-time";
import { ErrorMessage, StatusMessage } from "@/components/ui/feedback";
import { DataRow, NameCell, RowActions, StateText } from "@/components/ui/table-row";
import { field, panel, primary, small } from "@/components/ui/styles";

/** Consumer API keys: create one scoped to apps (shown once), see last use, revoke. */
export function ApiKeysPanel() {
  const t = useTranslations("apiKeys");
  const tTime = useTranslations("timeZone");
  const keys = useApiKeys();
  const apps = useApps();
  const create = useCreateApiKey();
  const revoke = useRevokeApiKey();
  const [name, setName] = useState("");
  const [picked, setPicked] = useState<string[]>([]);
  const [created, setCreated] = useState<{ key: string; name: string } | null>(null);
  const [copied, setCopied] = useState(false);
  const [message, setMessage] = useState("");

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setMessage("");
    create.mutate(
      { name, appRefs: picked },
      {
        onSuccess: ({ key, apiKey }) => {
          setCreated({ key, name: apiKey.name });
          setCopied(false);
          setName("");
          setPicked([]);
        },
      },
    );
  };

  return (
    <section aria-labelledby="keys-title" className="space-y-3">
      <div>
        <h2 id="keys-title" className="text-lg font-semibold">
          {t("title")}
        </h2>
        <p className="text-sm text-slate-600 dark:text-slate-400">
          {t("introBefore")} <code className="font-mono">/api/v1</code> {t("introDescribed")}{" "}
          <a translate="no" className="text-sky-700 underline dark:text-sky-400" href="/api/v1/openapi.json">
            /api/v1/openapi.json
          </a>
          {t("introAfter")}
        </p>
      </div>
      <form onSubmit={submit} className={`${panel} space-y-3`} aria-label={t("createForm")}>
        <label className="block text-sm font-medium">
          {t("name")}
          <input className={field} required maxLength={60} value={name} onChange={(e) => setName(e.target.value)} placeholder={t("namePlaceholder")} />
        </label>
        <fieldset>
          <legend className="text-sm font-medium">{t("apps")}</legend>
          {apps.isPending ? (
            <p className="text-sm text-slate-500 dark:text-slate-400">{t("loadingApps")}</p>
          ) : (
            <div className="mt-1 grid gap-1 sm:grid-cols-2">
              {(apps.data?.apps ?? []).map((a) => (
                <label key={a.id} className="flex items-center gap-2 text-sm">
                  <input
                    type="checkbox"
                    checked={picked.includes(a.id)}
                    onChange={(e) => setPicked(e.target.checked ? [...picked, a.id] : picked.filter((p) => p !== a.id))}
                  />
                  {a.name}{" "}
                  <span translate="no" className="font-mono text-xs text-slate-500 dark:text-slate-400">
                    {a.appId}
                  </span>
                </label>
              ))}
            </div>
          )}
        </fieldset>
        <button type="submit" className={primary} disabled={create.isPending || picked.length === 0 || !name.trim()}>
          {create.isPending ? t("creating") : t("create")}
        </button>
        <ErrorMessage error={create.error} />
      </form>
      {created && (
        <div
          role="region"
          aria-label={t("newKey")}
          className="space-y-2 rounded-lg border border-amber-300 bg-amber-50 p-4 text-sm dark:border-amber-700 dark:bg-amber-950"
        >
          <p className="font-medium">{t("created", { name: created.name })}</p>
          <code aria-label={t("value")} className="block break-all rounded bg-white px-2 py-1 font-mono dark:bg-slate-900">
            {created.key}
          </code>
          <div className="flex gap-2">
            <button
              type="button"
              className={small}
              onClick={async () => {
                await navigator.clipboard.writeText(created.key).then(
                  () => setCopied(true),
                  () => setCopied(false),
                );
              }}
            >
              {copied ? t("copied") : t("copy")}
            </button>
            <button type="button" className={small} onClick={() => setCreated(null)}>
              {t("done")}
            </button>
          </div>
        </div>
      )}
      <StatusMessage>{message}</StatusMessage>
      <ErrorMessage error={revoke.error} />
      <DataTable
        region={t("region")}
        caption={t("caption")}
        columns={[t("colKey"), t("colApps"), t("colCreated"), t("colLastUsed"), t("colState"), ""]}
        minWidth="min-w-[720px]"
        compact
        loading={keys.isPending && t("loading")}
        error={keys.error && !keys.data && t("loadFailed", { error: keys.error.message })}
        empty={keys.data?.keys.length === 0 && t("empty")}
      >
        {keys.data?.keys.map((k) => (
          <DataRow key={k.id} name={k.name} top>
            <NameCell name={k.name} sub={`${k.prefix}…`} />
            <td translate="no" className="px-4 py-2 text-xs">
              {k.apps.map((a) => a.appId).join(", ") || "—"}
            </td>
            <td className="px-4 py-2 text-xs">{t.rich("createdBy", { when: () => <DateTime at={k.createdAt} />, username: k.createdBy })}</td>
            <td className="px-4 py-2 text-xs">{k.lastUsedAt ? <DateTime at={k.lastUsedAt} /> : tTime("never")}</td>
            <td className="px-4 py-2">
              <StateText on={!k.revokedAt} onLabel={t("active")} offLabel={t("revoked")} />
            </td>
            <RowActions>
              {!k.revokedAt && (
                <ConfirmAction
                  label={t("revokeName", { name: k.name })}
                  title={t("revokeTitle", { name: k.name })}
                  confirmLabel={t("revoke")}
                  body={<p>{t("revokeBody")}</p>}
                  onConfirm={() => revoke.mutate(k.id, { onSuccess: () => setMessage(t("revokedMessage", { name: k.name })) })}
                >
                  {t("revoke")}
                </ConfirmAction>
              )}
            </RowActions>
          </DataRow>
        ))}
      </DataTable>
    </section>
  );
}
