"use client";
import { useId, useState, type ReactNode } from "react";
import { useTranslations } from "next-intl";
import { appFormProblem } from "./app-form-problem";
import { APP_ID_RULES, appInputSchema, LIVE_BASE_URLS, type AppView } from "@/lib/app-input";
import { VENDOR_LABELS, VENDORS, type VendorId } from "@/lib/credential-kinds";
import { ApiError } from "@/components/ui/fetch-json";
import { ErrorMessage } from "@/components/ui/feedback";
import { useCreateApp, useUpdateApp } from "./api/change-app";
import { actionButton, fieldBase, primaryAction } from "@/components/ui/styles";
import { AppAlertChannel } from "@/components/alerts/app-alert-channel";

type Fields = {
  vendor: VendorId;
  name: string;
  appId: string;
  secret: string;
  base: "sandbox" | "live" | "custom";
  customUrl: string;
  tokenVariant: string;
  tokenPath: string;
  policy: string;
};

const code = (chunks: ReactNode) => <code className="font-mono">{chunks}</code>;
const POLICY_EXAMPLE = '{"schedules": {"jsapi_ticket": {"everySeconds": 3600}}, "quotas": {"/cgi-bin/ticket/getticket": 1000}}';

function initial(app: AppView | null): Fields {
  if (!app) return { vendor: "wechat", name: "", appId: "", secret: "", base: "sandbox", customUrl: "", tokenVariant: "token", tokenPath: "", policy: "" };
  return {
    vendor: app.vendor as VendorId,
    name: app.name,
    appId: app.appId,
    secret: "",
    base: app.baseUrlKind,
    customUrl: app.baseUrlKind === "custom" ? app.baseUrl : "",
    tokenVariant: app.tokenVariant === "stable_token" ? "stable_token" : "token",
    tokenPath: app.tokenPath ?? "",
    policy: app.policy ? JSON.stringify(JSON.parse(app.policy), null, 2) : "",
  };
}

/** Add or edit an app; every field says what is wrong with it, before and after the server checks. */
export function AppForm({ app, onDone }: { app: AppView | null; onDone: (message: string) => void }) {
  const t = useTranslations("appForm");
  const [f, setF] = useState<Fields>(() => initial(app));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const create = useCreateApp();
  const update = useUpdateApp();
  const pending = create.isPending || update.isPending;
  const [formError, setFormError] = useState<string | null>(null);
  const set = <K extends keyof Fields>(k: K, v: Fields[K]) => setF((old) => ({ ...old, [k]: v }));
  const rule = APP_ID_RULES[f.vendor];

  /** The browser's own check (and the server's field errors), in the page's language. */
  const localProblem = (field: string, message: string) => appFormProblem(t, field, message, { vendor: f.vendor, example: rule.example });

  function body() {
    return {
      vendor: f.vendor,
      name: f.name,
      appId: f.appId.trim(),
      ...(f.secret ? { secret: f.secret } : {}),
      baseUrl: f.base === "custom" ? f.customUrl.trim() : f.base,
      tokenVariant: f.vendor === "wechat" ? f.tokenVariant : "default",
      ...(f.vendor === "yzb" && f.tokenPath.trim() ? { tokenPath: f.tokenPath.trim() } : {}),
      policy: f.policy,
    };
  }

  async function submit() {
    setFormError(null);
    const b = body();
    const found: Record<string, string> = {};
    const parsed = appInputSchema.safeParse(b);
    if (!parsed.success) for (const i of parsed.error.issues) found[String(i.path[0])] ??= localProblem(String(i.path[0]), i.message);
    if (!app && !f.secret) found.secret = t("secretRequired");
    setErrors(found);
    if (Object.keys(found).length) return;
    try {
      if (app) {
        await update.mutateAsync({ id: app.id, body: b });
        onDone(t("saved", { name: f.name }));
      } else {
        await create.mutateAsync(b);
        onDone(t("added", { name: f.name }));
      }
    } catch (err) {
      const field = err instanceof ApiError && typeof (err.body as { field?: unknown })?.field === "string" ? (err.body as { field: string }).field : null;
      const detail = err instanceof ApiError ? (err.detail ?? err.title) : String(err);
      if (field && field !== "body") setErrors({ [field]: localProblem(field, detail.replace(`${field}: `, "")) });
      else setFormError(detail);
    }
  }

  return (
    <form
      aria-label={app ? t("edit", { name: app.name }) : t("add")}
      noValidate
      className="space-y-4 rounded-lg border border-slate-200 bg-white p-4 shadow-sm dark:border-slate-800 dark:bg-slate-900"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <h2 className="text-base font-semibold">{app ? t("edit", { name: app.name }) : t("add")}</h2>
      <div className="grid gap-4 md:grid-cols-3">
        <Field label={t("vendor")} error={errors.vendor}>
          {(p) => (
            <select
              {...p}
              className={`${fieldBase} ${border(p)}`}
              value={f.vendor}
              disabled={!!app}
              onChange={(e) => set("vendor", e.target.value as VendorId)}
            >
              {VENDORS.map((v) => (
                <option key={v} value={v}>
                  {VENDOR_LABELS[v]}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t("name")} error={errors.name}>
          {(p) => <input {...p} className={`${fieldBase} ${border(p)}`} value={f.name} onChange={(e) => set("name", e.target.value)} />}
        </Field>
        <Field
          label={t("appId")}
          error={errors.appId}
          hint={t.rich("appIdHint", { rule: t(`appIdRules.${f.vendor}`), example: rule.example, ex: (c) => <span translate="no">{c}</span> })}
        >
          {(p) => (
            <input {...p} className={`${fieldBase} ${border(p)} font-mono`} value={f.appId} onChange={(e) => set("appId", e.target.value)} spellCheck={false} />
          )}
        </Field>
        <Field label={t("secret")} error={errors.secret} hint={app ? t("secretKeep") : t("secretNew")}>
          {(p) => (
            <input
              {...p}
              type="password"
              autoComplete="new-password"
              className={`${fieldBase} ${border(p)} font-mono`}
              value={f.secret}
              onChange={(e) => set("secret", e.target.value)}
              placeholder={app ? t("secretUnchanged") : ""}
            />
          )}
        </Field>
        <fieldset className="space-y-1 md:col-span-2">
          <legend className="text-sm font-medium">{t("baseUrl")}</legend>
          <div className="flex flex-wrap gap-4 text-sm">
            <label className="flex items-center gap-2">
              <input type="radio" name="base" checked={f.base === "sandbox"} onChange={() => set("base", "sandbox")} /> {t("sandbox")}
            </label>
            <label className="flex items-center gap-2">
              <input type="radio" name="base" checked={f.base === "live"} onChange={() => set("base", "live")} disabled={!LIVE_BASE_URLS[f.vendor]} />{" "}
              {t("live")} {LIVE_BASE_URLS[f.vendor] ? <span translate="no">({LIVE_BASE_URLS[f.vendor]})</span> : t("noLiveHost")}
            </label>
            <label className="flex items-center gap-2">
              <input type="radio" name="base" checked={f.base === "custom"} onChange={() => set("base", "custom")} /> {t("other")}
            </label>
          </div>
          {f.base === "custom" && (
            <Field label={t("origin")} error={errors.baseUrl}>
              {(p) => (
                <input
                  {...p}
                  className={`${fieldBase} ${border(p)} font-mono`}
                  value={f.customUrl}
                  onChange={(e) => set("customUrl", e.target.value)}
                  placeholder="https://api.example.com"
                />
              )}
            </Field>
          )}
          {f.base !== "custom" && errors.baseUrl && (
            <p role="alert" className="text-xs text-red-700 dark:text-red-400">
              {errors.baseUrl}
            </p>
          )}
        </fieldset>
        {f.vendor === "wechat" && (
          <Field label={t("tokenEndpoint")} error={errors.tokenVariant} hint={t.rich("tokenEndpointHint", { code })}>
            {(p) => (
              <select {...p} className={`${fieldBase} ${border(p)}`} value={f.tokenVariant} onChange={(e) => set("tokenVariant", e.target.value)}>
                <option value="token">/cgi-bin/token</option>
                <option value="stable_token">/cgi-bin/stable_token</option>
              </select>
            )}
          </Field>
        )}
        {f.vendor === "yzb" && (
          <Field label={t("tokenPath")} error={errors.tokenPath} hint={t.rich("tokenPathHint", { code })}>
            {(p) => (
              <input
                {...p}
                className={`${fieldBase} ${border(p)} font-mono`}
                value={f.tokenPath}
                onChange={(e) => set("tokenPath", e.target.value)}
                placeholder="/OAuth2/accessToken"
              />
            )}
          </Field>
        )}
        <div className="md:col-span-3">
          <Field
            label={t("policy")}
            error={errors.policy}
            hint={t.rich("policyHint", {
              ex: () => <span translate="no">{POLICY_EXAMPLE}</span>,
            })}
          >
            {(p) => (
              <textarea
                {...p}
                rows={3}
                className={`${fieldBase} ${border(p)} font-mono`}
                value={f.policy}
                onChange={(e) => set("policy", e.target.value)}
                spellCheck={false}
              />
            )}
          </Field>
        </div>
        {app && <AppAlertChannel app={app} />}
      </div>
      <ErrorMessage error={formError} />
      <div className="flex gap-2">
        <button type="submit" disabled={pending} className={primaryAction}>
          {pending ? t("saving") : app ? t("save") : t("addApp")}
        </button>
        <button
          type="button"
          onClick={() => onDone("")}
          className={`${actionButton} border border-slate-300 hover:bg-slate-50 dark:border-slate-600 dark:hover:bg-slate-800`}
        >
          {t("cancel")}
        </button>
      </div>
    </form>
  );
}

type Props = { id: string; "aria-invalid"?: true; "aria-describedby": string };
const border = (p: Props) => (p["aria-invalid"] ? "border-red-500" : "border-slate-300 dark:border-slate-600");

function Field({ label, error, hint, children }: { label: string; error?: string; hint?: ReactNode; children: (p: Props) => ReactNode }) {
  const id = useId();
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-sm font-medium">
        {label}
      </label>
      {children({ id, ...(error ? { "aria-invalid": true as const } : {}), "aria-describedby": `${id}-hint ${id}-error` })}
      {hint && (
        <p id={`${id}-hint`} className="text-xs text-slate-500 dark:text-slate-400">
          {hint}
        </p>
      )}
      <p id={`${id}-error`} className="text-xs text-red-700 dark:text-red-400">
        {error ?? ""}
      </p>
    </div>
  );
}
