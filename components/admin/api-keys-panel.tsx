"use client";
import { useState, type FormEvent } from "react";
import { useApiKeys, useCreateApiKey, useRevokeApiKey } from "./api/api-keys";
import { useApps } from "@/components/apps/api/get-apps";
import { ConfirmAction } from "@/components/ui/confirm-action";
import { DataTable } from "@/components/ui/data-table";
import { ErrorMessage, StatusMessage } from "@/components/ui/feedback";
import { DataRow, NameCell, RowActions, StateText } from "@/components/ui/table-row";
import { field, panel, primary, small } from "@/components/ui/styles";

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : "never");

/** Consumer API keys: create one scoped to apps (shown once), see last use, revoke. */
export function ApiKeysPanel() {
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
          API keys
        </h2>
        <p className="text-sm text-slate-600 dark:text-slate-400">
          For services that read tickets or JS-SDK signatures from <code className="font-mono">/api/v1</code> (described at{" "}
          <a className="text-sky-700 underline dark:text-sky-400" href="/api/v1/openapi.json">
            /api/v1/openapi.json
          </a>
          ). A key reads only the apps it is scoped to.
        </p>
      </div>
      <form onSubmit={submit} className={`${panel} space-y-3`} aria-label="Create an API key">
        <label className="block text-sm font-medium">
          Name
          <input className={field} required maxLength={60} value={name} onChange={(e) => setName(e.target.value)} placeholder="e.g. shop-frontend" />
        </label>
        <fieldset>
          <legend className="text-sm font-medium">Apps this key may read</legend>
          {apps.isPending ? (
            <p className="text-sm text-slate-500">Loading apps…</p>
          ) : (
            <div className="mt-1 grid gap-1 sm:grid-cols-2">
              {(apps.data?.apps ?? []).map((a) => (
                <label key={a.id} className="flex items-center gap-2 text-sm">
                  <input
                    type="checkbox"
                    checked={picked.includes(a.id)}
                    onChange={(e) => setPicked(e.target.checked ? [...picked, a.id] : picked.filter((p) => p !== a.id))}
                  />
                  {a.name} <span className="font-mono text-xs text-slate-500 dark:text-slate-400">{a.appId}</span>
                </label>
              ))}
            </div>
          )}
        </fieldset>
        <button type="submit" className={primary} disabled={create.isPending || picked.length === 0 || !name.trim()}>
          {create.isPending ? "Creating…" : "Create key"}
        </button>
        <ErrorMessage error={create.error} />
      </form>
      {created && (
        <div
          role="region"
          aria-label="New API key"
          className="space-y-2 rounded-lg border border-amber-300 bg-amber-50 p-4 text-sm dark:border-amber-700 dark:bg-amber-950"
        >
          <p className="font-medium">Key “{created.name}” created. Copy it now: it is shown only this once.</p>
          <code aria-label="API key value" className="block break-all rounded bg-white px-2 py-1 font-mono dark:bg-slate-900">
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
              {copied ? "Copied" : "Copy key"}
            </button>
            <button type="button" className={small} onClick={() => setCreated(null)}>
              Done
            </button>
          </div>
        </div>
      )}
      <StatusMessage>{message}</StatusMessage>
      <ErrorMessage error={revoke.error} />
      <DataTable
        region="API keys"
        caption="API keys"
        columns={["Key", "Apps", "Created", "Last used", "State", ""]}
        minWidth="min-w-[720px]"
        compact
        loading={keys.isPending && "Loading API keys…"}
        error={keys.error && !keys.data && `Could not load the API keys: ${keys.error.message}`}
        empty={keys.data?.keys.length === 0 && "No API keys yet. Create one for each service that needs tickets."}
      >
        {keys.data?.keys.map((k) => (
          <DataRow key={k.id} name={k.name} top>
            <NameCell name={k.name} sub={`${k.prefix}…`} />
            <td className="px-4 py-2 text-xs">{k.apps.map((a) => a.appId).join(", ") || "—"}</td>
            <td className="px-4 py-2 text-xs">
              {when(k.createdAt)} by {k.createdBy}
            </td>
            <td className="px-4 py-2 text-xs">{when(k.lastUsedAt)}</td>
            <td className="px-4 py-2">
              <StateText on={!k.revokedAt} onLabel="active" offLabel="revoked" />
            </td>
            <RowActions>
              {!k.revokedAt && (
                <ConfirmAction
                  label={`Revoke ${k.name}`}
                  title={`Revoke ${k.name}?`}
                  confirmLabel="Revoke"
                  body={<p>Services using this key get 401 from the next request on. This cannot be undone: create a new key instead.</p>}
                  onConfirm={() => revoke.mutate(k.id, { onSuccess: () => setMessage(`Revoked ${k.name}: it gets 401 from now on.`) })}
                >
                  Revoke
                </ConfirmAction>
              )}
            </RowActions>
          </DataRow>
        ))}
      </DataTable>
    </section>
  );
}
