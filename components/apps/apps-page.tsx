"use client";
import { useTranslations } from "next-intl";
import { useState } from "react";
import type { AppView } from "@/lib/app-input";
import { useApps } from "./api/get-apps";
import { useSetAppEnabled } from "./api/change-app";
import { DataTable } from "@/components/ui/data-table";
import { ErrorMessage, StatusMessage } from "@/components/ui/feedback";
import { DataRow, EnableToggle, NameCell, RowActions, StateText } from "@/components/ui/table-row";
import { primary, small } from "@/components/ui/styles";
import { useHydrated } from "@/components/ui/use-hydrated";
import { AppForm } from "./app-form";

/** Register, edit and disable vendor apps. Secrets are write-only. */
export function AppsPage() {
  const t = useTranslations("apps");
  const { data, isPending, error } = useApps();
  const [editing, setEditing] = useState<AppView | "new" | null>(null);
  const [message, setMessage] = useState("");
  const toggle = useSetAppEnabled();
  // The server's HTML shows the buttons before React runs them: a click then did nothing (the form
  // never opened), so they are disabled until the page is hydrated.
  const hydrated = useHydrated();

  return (
    <section aria-labelledby="apps-title" className="space-y-4">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 id="apps-title" className="text-2xl font-semibold tracking-tight">
            {t("title")}
          </h1>
          <p className="text-sm text-slate-600 dark:text-slate-400">{t("intro")}</p>
        </div>
        {editing === null && (
          <button
            type="button"
            disabled={!hydrated}
            onClick={() => {
              setEditing("new");
              setMessage("");
            }}
            className={primary}
          >
            {t("add")}
          </button>
        )}
      </div>
      <StatusMessage>{message}</StatusMessage>
      {editing !== null && (
        <AppForm
          key={editing === "new" ? "new" : editing.id}
          app={editing === "new" ? null : editing}
          onDone={(m) => {
            setEditing(null);
            setMessage(m);
          }}
        />
      )}
      <ErrorMessage error={toggle.error} />
      <DataTable
        region={t("region")}
        caption={t("caption")}
        columns={[t("colApp"), t("colVendor"), t("colBaseUrl"), t("colTokenEndpoint"), t("colState"), ""]}
        minWidth="min-w-[760px]"
        loading={isPending && t("loading")}
        error={error && !data && t("loadFailed", { error: error.message })}
        empty={data?.apps.length === 0 && t("empty")}
      >
        {data?.apps.map((a) => (
          <DataRow key={a.id} name={a.name} top>
            <NameCell name={a.name} sub={a.appId}>
              {a.demo && <span className="ml-2 rounded bg-slate-100 px-1 text-xs text-slate-600 dark:bg-slate-800 dark:text-slate-300">{t("demo")}</span>}
            </NameCell>
            <td className="px-4 py-2">{a.vendorLabel}</td>
            <td className="px-4 py-2">
              <span className="mr-1 rounded bg-slate-100 px-1 text-xs dark:bg-slate-800">{t(`baseUrlKind.${a.baseUrlKind}`)}</span>
              <span translate="no" className="font-mono text-xs">
                {a.baseUrl}
              </span>
            </td>
            <td className="px-4 py-2 font-mono text-xs">
              <span translate="no">
                {a.vendor === "wechat"
                  ? a.tokenVariant === "stable_token"
                    ? "/cgi-bin/stable_token"
                    : "/cgi-bin/token"
                  : a.vendor === "yzb"
                    ? (a.tokenPath ?? "/OAuth2/accessToken")
                    : "—"}
              </span>
              {a.policy && <div className="font-sans text-slate-500 dark:text-slate-400">{t("policyOverrides")}</div>}
            </td>
            <td className="px-4 py-2">
              <StateText on={a.enabled} onLabel={t("enabled")} offLabel={t("disabled")} />
            </td>
            <RowActions>
              <button
                type="button"
                className={small}
                disabled={!hydrated}
                onClick={() => {
                  setEditing(a);
                  setMessage("");
                }}
                aria-label={t("editName", { name: a.name })}
              >
                {t("edit")}
              </button>
              <EnableToggle
                name={a.name}
                enabled={a.enabled}
                pending={toggle.isPending || !hydrated}
                consequence={<p>{t("disableConsequence", { count: a.credentials })}</p>}
                onChange={(enabled) =>
                  toggle.mutate({ id: a.id, enabled }, { onSuccess: () => setMessage(t(enabled ? "enabledMessage" : "disabledMessage", { name: a.name })) })
                }
              />
            </RowActions>
          </DataRow>
        ))}
      </DataTable>
    </section>
  );
}
