"use client";
import { useId, useState, type ReactNode } from "react";
import { useTranslations } from "next-intl";
import { useFormatDateTime } from "@/components/ui/date-time";
import { useCatalog } from "@/components/credential/api/get-catalog";
import { useCheckCode, useExchangeCode } from "./api/yzb-code";
import { useHydrated } from "@/components/ui/use-hydrated";
import { primaryAction, toolField } from "@/components/ui/styles";

function Card({ title, id, children }: { title: string; id: string; children: ReactNode }) {
  return (
    <section aria-labelledby={id} className="space-y-3 rounded-lg border border-slate-200 bg-white p-4 shadow-sm dark:border-slate-800 dark:bg-slate-900">
      <h2 id={id} className="text-base font-semibold">
        {title}
      </h2>
      {children}
    </section>
  );
}

const code = (chunks: ReactNode) => <code className="font-mono">{chunks}</code>;

/** QA tools for the yzb open platform: auth code → open_id, and the vendor's checkCode on a pasted value. */
export function YzbTools() {
  const t = useTranslations("yzb");
  const formatDateTime = useFormatDateTime();
  const credentials = useCatalog();
  const apps = [...new Map((credentials.data?.credentials ?? []).filter((c) => c.vendor === "yzb").map((c) => [c.appRef, c])).values()];
  const [appRef, setAppRef] = useState("");
  const chosen = appRef || apps[0]?.appRef || "";
  const ids = { app: useId(), code: useId(), type: useId(), value: useId(), openId: useId(), t1: useId(), t2: useId() };
  const [authCode, setAuthCode] = useState("");
  const [type, setType] = useState<"access_token" | "js_ticket">("js_ticket");
  const [value, setValue] = useState("");
  const [openId, setOpenId] = useState("");
  const exchange = useExchangeCode();
  const check = useCheckCode();
  const hydrated = useHydrated();

  return (
    <section aria-labelledby="yzb-title" className="space-y-5">
      <div>
        <h1 id="yzb-title" className="text-2xl font-semibold tracking-tight">
          {t("title")}
        </h1>
        <p className="text-sm text-slate-600 dark:text-slate-400">
          {t.rich("intro", {
            // The vendor's own name for the menu, in traditional Chinese in every language.
            vendor: (chunks) => <span lang="zh-Hant">{chunks}</span>,
          })}
        </p>
      </div>
      <div className="max-w-xs space-y-1">
        <label htmlFor={ids.app} className="block text-sm font-medium">
          {t("app")}
        </label>
        {apps.length === 0 ? (
          <p className="text-sm text-slate-500 dark:text-slate-400">{credentials.isPending ? t("loadingApps") : t("noApps")}</p>
        ) : (
          <select
            id={ids.app}
            className={toolField}
            // The list is in the server's HTML; a choice made before React hydrates would be undone.
            disabled={!hydrated}
            value={chosen}
            onChange={(e) => setAppRef(e.target.value)}
          >
            {apps.map((a) => (
              <option key={a.appRef} value={a.appRef} translate="no">
                {a.appName} ({a.appId})
              </option>
            ))}
          </select>
        )}
      </div>
      <div className="grid gap-4 lg:grid-cols-2">
        <Card title={t("exchangeTitle")} id={ids.t1}>
          <p className="text-sm text-slate-600 dark:text-slate-400">{t.rich("exchangeIntro", { code })}</p>
          <form
            aria-label={t("exchangeForm")}
            className="space-y-3"
            onSubmit={(e) => {
              e.preventDefault();
              exchange.mutate({ appRef: chosen, code: authCode.trim() });
            }}
          >
            <fieldset disabled={!hydrated} className="space-y-3">
              <div className="space-y-1">
                <label htmlFor={ids.code} className="block text-sm font-medium">
                  {t("authCode")}
                </label>
                <input
                  id={ids.code}
                  className={`${toolField} font-mono`}
                  value={authCode}
                  onChange={(e) => setAuthCode(e.target.value)}
                  spellCheck={false}
                  required
                />
              </div>
              <button type="submit" className={primaryAction} disabled={!chosen || !authCode.trim() || exchange.isPending}>
                {exchange.isPending ? t("exchanging") : t("exchange")}
              </button>
            </fieldset>
          </form>
          <div role="status" aria-live="polite" aria-label={t("exchangeResult")} className="text-sm">
            {exchange.isError && <p className="text-red-700 dark:text-red-400">{exchange.error.message}</p>}
            {exchange.data && (
              <p>
                <span translate="no">open_id</span> <code className="font-mono">{exchange.data.openId}</code>
              </p>
            )}
          </div>
        </Card>
        <Card title={t("checkTitle")} id={ids.t2}>
          <p className="text-sm text-slate-600 dark:text-slate-400">{t.rich("checkIntro", { code })}</p>
          <form
            aria-label={t("checkForm")}
            className="space-y-3"
            onSubmit={(e) => {
              e.preventDefault();
              check.mutate({ appRef: chosen, type, code: value.trim(), ...(openId.trim() ? { openId: openId.trim() } : {}) });
            }}
          >
            <fieldset disabled={!hydrated} className="space-y-3">
              <div className="grid gap-3 sm:grid-cols-[10rem_1fr]">
                <div className="space-y-1">
                  <label htmlFor={ids.type} className="block text-sm font-medium">
                    {t("type")}
                  </label>
                  <select id={ids.type} className={toolField} value={type} onChange={(e) => setType(e.target.value as typeof type)}>
                    <option value="js_ticket">js_ticket</option>
                    <option value="access_token">access_token</option>
                  </select>
                </div>
                <div className="space-y-1">
                  <label htmlFor={ids.value} className="block text-sm font-medium">
                    {t("value")}
                  </label>
                  <input
                    id={ids.value}
                    className={`${toolField} font-mono`}
                    value={value}
                    onChange={(e) => setValue(e.target.value)}
                    spellCheck={false}
                    required
                  />
                </div>
              </div>
              <div className="space-y-1">
                <label htmlFor={ids.openId} className="block text-sm font-medium">
                  {t("openIdOptional")}
                </label>
                <input id={ids.openId} className={`${toolField} font-mono`} value={openId} onChange={(e) => setOpenId(e.target.value)} spellCheck={false} />
              </div>
              <button type="submit" className={primaryAction} disabled={!chosen || !value.trim() || check.isPending}>
                {check.isPending ? t("checking") : t("check")}
              </button>
            </fieldset>
          </form>
          <div role="status" aria-live="polite" aria-label={t("checkResult")} className="text-sm">
            {check.isError && <p className="text-red-700 dark:text-red-400">{check.error.message}</p>}
            {check.data &&
              (check.data.valid ? (
                <p className="text-emerald-700 dark:text-emerald-400">{t("validUntil", { time: formatDateTime(check.data.vendorExpiresAt) })}</p>
              ) : (
                <p className="text-red-700 dark:text-red-400">{t("notValid", { message: check.data.message })}</p>
              ))}
          </div>
        </Card>
      </div>
    </section>
  );
}
