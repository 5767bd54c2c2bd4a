"use client";
import { useHydrated } from "@/components/ui/use-hydrated";
import { useId, useState, type ReactNode } from "react";
import { useTranslations } from "next-intl";
import { useCatalog } from "@/components/credential/api/get-catalog";
import { useFaceidSignature, useJsSdkSignature } from "./api/sign";
import { jsSdkHints } from "@/lib/signature-hints";
import { primaryAction, secondaryAction, toolField } from "@/components/ui/styles";

// The official example from WeChat's JS-SDK documentation (vendor-notes.md).
const WECHAT_EXAMPLE = {
  ticket: "sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg",
  nonceStr: "Wm3WZYTPz0wzccnW",
  timestamp: "1414587457",
  url: "http://mp.weixin.qq.com?params=value",
};

const randomNonce = () =>
  Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) => "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"[b % 62]).join("");
const nowSeconds = () => String(Math.floor(Date.now() / 1000));

const code = (chunks: ReactNode) => <code className="font-mono">{chunks}</code>;

export function SignatureTools() {
  const t = useTranslations("signatures");
  return (
    <section aria-labelledby="sig-title" className="space-y-5">
      <div>
        <h1 id="sig-title" className="text-2xl font-semibold tracking-tight">
          {t("title")}
        </h1>
        <p className="text-sm text-slate-600 dark:text-slate-400">
          {t.rich("intro", {
            // The vendor's own error text, quoted as it reads.
            msg: (chunks) => (
              <span translate="no" lang="en">
                {chunks}
              </span>
            ),
          })}
        </p>
      </div>
      <JsSdkTool />
      <FaceidTool />
    </section>
  );
}

/** A field; `label` is a parameter name (an API term, the same in every language) or a translated label. */
function Field({ label, id, children, hint }: { label: ReactNode; id: string; children: ReactNode; hint?: ReactNode }) {
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-sm font-medium">
        {label}
      </label>
      {children}
      {hint && <p className="text-xs text-slate-500 dark:text-slate-400">{hint}</p>}
    </div>
  );
}

/** A parameter name the vendor's API defines: kept as it is in every language. */
const param = (name: string) => <span translate="no">{name}</span>;

function JsSdkTool() {
  const t = useTranslations("signatures");
  const hydrated = useHydrated();
  const credentials = useCatalog();
  const tickets = (credentials.data?.credentials ?? []).filter((c) => c.kind === "jsapi_ticket");
  const [source, setSource] = useState<"current" | "pasted">("current");
  const [credentialId, setCredentialId] = useState("");
  const [ticket, setTicket] = useState("");
  const [url, setUrl] = useState("");
  const [nonceStr, setNonceStr] = useState("");
  const [timestamp, setTimestamp] = useState("");
  const sign = useJsSdkSignature();
  const ids = { ticket: useId(), cred: useId(), url: useId(), nonce: useId(), ts: useId() };
  const chosen = credentialId || tickets[0]?.id || "";
  const hints = url ? jsSdkHints({ url, nonceStr, timestamp }) : [];

  return (
    <section
      aria-labelledby="jssdk-title"
      className="space-y-4 rounded-lg border border-slate-200 bg-white p-4 shadow-sm dark:border-slate-800 dark:bg-slate-900"
    >
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 id="jssdk-title" className="text-base font-semibold">
          {t("jsSdk")}
        </h2>
        <button
          type="button"
          className={secondaryAction}
          // A click on the server's HTML before React hydrates would do nothing and look like it did.
          disabled={!hydrated}
          onClick={() => {
            setSource("pasted");
            setTicket(WECHAT_EXAMPLE.ticket);
            setUrl(WECHAT_EXAMPLE.url);
            setNonceStr(WECHAT_EXAMPLE.nonceStr);
            setTimestamp(WECHAT_EXAMPLE.timestamp);
            sign.reset();
          }}
        >
          {t("fillExample")}
        </button>
      </div>
      <form
        aria-label={t("jsSdkForm")}
        className="space-y-4"
        onSubmit={(e) => {
          e.preventDefault();
          const common = { url: url.trim(), nonceStr: nonceStr.trim(), timestamp: Number(timestamp) };
          sign.mutate(source === "current" ? { credentialId: chosen, ...common } : { ticket: ticket.trim(), ...common });
        }}
      >
        <fieldset disabled={!hydrated} className="contents">
          <fieldset className="space-y-2">
            <legend className="text-sm font-medium">{t("ticket")}</legend>
            <div className="flex flex-wrap gap-4 text-sm">
              <label className="flex items-center gap-2">
                <input type="radio" name="source" checked={source === "current"} onChange={() => setSource("current")} /> {t("currentTicket")}
              </label>
              <label className="flex items-center gap-2">
                <input type="radio" name="source" checked={source === "pasted"} onChange={() => setSource("pasted")} /> {t("pastedTicket")}
              </label>
            </div>
            {source === "current" ? (
              <Field label={t("appTicket")} id={ids.cred} hint={t("appTicketHint")}>
                <select id={ids.cred} className={toolField} value={chosen} onChange={(e) => setCredentialId(e.target.value)}>
                  {tickets.map((c) => (
                    <option key={c.id} value={c.id}>
                      {c.appName} · {c.kindLabel} ({c.vendorLabel})
                    </option>
                  ))}
                </select>
              </Field>
            ) : (
              <Field label={param("jsapi_ticket")} id={ids.ticket}>
                <textarea
                  id={ids.ticket}
                  rows={2}
                  className={`${toolField} font-mono`}
                  value={ticket}
                  onChange={(e) => setTicket(e.target.value)}
                  spellCheck={false}
                />
              </Field>
            )}
          </fieldset>
          <div className="grid gap-4 md:grid-cols-[2fr_1fr_1fr]">
            <Field label={param("url")} id={ids.url} hint={t.rich("urlHint", { code })}>
              <input
                id={ids.url}
                className={`${toolField} font-mono`}
                value={url}
                onChange={(e) => setUrl(e.target.value)}
                placeholder="https://example.com/page?x=1"
                spellCheck={false}
              />
            </Field>
            <Field label={param("noncestr")} id={ids.nonce}>
              <div className="flex gap-2">
                <input id={ids.nonce} className={`${toolField} font-mono`} value={nonceStr} onChange={(e) => setNonceStr(e.target.value)} spellCheck={false} />
                <button type="button" className={secondaryAction} onClick={() => setNonceStr(randomNonce())}>
                  {t("newNonce")}
                </button>
              </div>
            </Field>
            <Field label={param("timestamp")} id={ids.ts} hint={t("timestampHint")}>
              <div className="flex gap-2">
                <input id={ids.ts} inputMode="numeric" className={`${toolField} font-mono`} value={timestamp} onChange={(e) => setTimestamp(e.target.value)} />
                <button type="button" className={secondaryAction} onClick={() => setTimestamp(nowSeconds())}>
                  {t("now")}
                </button>
              </div>
            </Field>
          </div>
          {hints.length > 0 && (
            <ul aria-label={t("checks")} className="space-y-1 text-sm">
              {hints.map((h) => (
                <li key={h.id} className={h.level === "warning" ? "text-amber-800 dark:text-amber-300" : "text-slate-600 dark:text-slate-400"}>
                  {h.level === "warning" ? "⚠ " : "ℹ "}
                  {h.id === "fragment"
                    ? t.rich("hints.fragment", { url: h.signedUrl ?? "", code: () => code("location.href.split('#')[0]") })
                    : t.rich(`hints.${h.id}`, { code })}
                </li>
              ))}
            </ul>
          )}
          <button type="submit" className={primaryAction} disabled={sign.isPending || (source === "current" && !chosen)}>
            {sign.isPending ? t("signing") : t("sign")}
          </button>
        </fieldset>
      </form>
      {sign.isError && (
        <p role="alert" className="text-sm text-red-700 dark:text-red-400">
          {sign.error.message}
        </p>
      )}
      {sign.data && (
        <Result
          rows={[
            [t("canonical"), sign.data.canonical],
            [t("signature"), sign.data.signature],
            ...(sign.data.appId
              ? ([
                  [
                    WX_CONFIG,
                    JSON.stringify({ appId: sign.data.appId, timestamp: sign.data.timestamp, nonceStr: sign.data.nonceStr, signature: sign.data.signature }),
                  ],
                ] as [string, string][])
              : []),
          ]}
        />
      )}
    </section>
  );
}

function FaceidTool() {
  const t = useTranslations("signatures");
  const hydrated = useHydrated();
  const credentials = useCatalog();
  const signTickets = (credentials.data?.credentials ?? []).filter((c) => c.vendor === "faceid" && c.kind === "sign_ticket");
  const [values, setValues] = useState({ wbappid: "", userId: "", nonceStr: "", version: "1.0.0" });
  const [useCurrent, setUseCurrent] = useState(true);
  const [ticket, setTicket] = useState("");
  const [credentialId, setCredentialId] = useState("");
  const sign = useFaceidSignature();
  const ids = { wbappid: useId(), userId: useId(), nonce: useId(), version: useId(), ticket: useId(), cred: useId() };
  const chosen = credentialId || signTickets[0]?.id || "";
  const set = (k: keyof typeof values) => (e: { target: { value: string } }) => setValues((v) => ({ ...v, [k]: e.target.value }));

  return (
    <section
      aria-labelledby="faceid-title"
      className="space-y-4 rounded-lg border border-slate-200 bg-white p-4 shadow-sm dark:border-slate-800 dark:bg-slate-900"
    >
      <h2 id="faceid-title" className="text-base font-semibold">
        {t("faceid")}
      </h2>
      <p className="text-sm text-slate-600 dark:text-slate-400">{t("faceidIntro")}</p>
      <form
        aria-label={t("faceid")}
        className="space-y-4"
        onSubmit={(e) => {
          e.preventDefault();
          const list = [values.wbappid, values.userId, values.nonceStr, values.version].map((v) => v.trim()).filter(Boolean);
          sign.mutate(useCurrent ? { values: list, credentialId: chosen } : { values: [...list, ticket.trim()].filter(Boolean) });
        }}
      >
        <fieldset disabled={!hydrated} className="contents">
          <div className="grid gap-4 md:grid-cols-4">
            <Field label={param("wbappid")} id={ids.wbappid}>
              <input id={ids.wbappid} className={`${toolField} font-mono`} value={values.wbappid} onChange={set("wbappid")} />
            </Field>
            <Field label={param("userId")} id={ids.userId}>
              <input id={ids.userId} className={`${toolField} font-mono`} value={values.userId} onChange={set("userId")} />
            </Field>
            <Field label={param("nonceStr")} id={ids.nonce}>
              <input id={ids.nonce} className={`${toolField} font-mono`} value={values.nonceStr} onChange={set("nonceStr")} />
            </Field>
            <Field label={param("version")} id={ids.version}>
              <input id={ids.version} className={`${toolField} font-mono`} value={values.version} onChange={set("version")} />
            </Field>
          </div>
          <fieldset className="space-y-2">
            <legend className="text-sm font-medium">{t("ticket")}</legend>
            <label className="flex items-center gap-2 text-sm">
              <input type="checkbox" checked={useCurrent} onChange={(e) => setUseCurrent(e.target.checked)} /> {t("useCurrentSign")}
            </label>
            {useCurrent ? (
              <Field label={t("signTicketOf")} id={ids.cred}>
                <select id={ids.cred} className={toolField} value={chosen} onChange={(e) => setCredentialId(e.target.value)}>
                  {signTickets.map((c) => (
                    <option key={c.id} value={c.id}>
                      {c.appName} ({c.appId})
                    </option>
                  ))}
                </select>
              </Field>
            ) : (
              <Field label={param("ticket")} id={ids.ticket}>
                <input id={ids.ticket} className={`${toolField} font-mono`} value={ticket} onChange={(e) => setTicket(e.target.value)} />
              </Field>
            )}
          </fieldset>
          <button type="submit" className={primaryAction} disabled={sign.isPending}>
            {sign.isPending ? t("signing") : t("sign")}
          </button>
        </fieldset>
      </form>
      {sign.isError && (
        <p role="alert" className="text-sm text-red-700 dark:text-red-400">
          {sign.error.message}
        </p>
      )}
      {sign.data && (
        <Result
          rows={[
            [t("sorted"), sign.data.sorted.join("  ·  ")],
            [t("canonical"), sign.data.canonical],
            [t("faceidSign"), sign.data.signature],
          ]}
        />
      )}
    </section>
  );
}

// The name of the JS-SDK call its row feeds: the same in every language.
const WX_CONFIG = "wx.config";

function Result({ rows }: { rows: [string, string][] }) {
  const t = useTranslations("signatures");
  return (
    <dl aria-label={t("result")} className="grid gap-x-3 gap-y-2 rounded-md bg-slate-50 p-3 text-sm md:grid-cols-[10rem_1fr] dark:bg-slate-800/60">
      {rows.map(([k, v]) => (
        <div key={k} className="contents">
          <dt translate={k === WX_CONFIG ? "no" : undefined} className="text-slate-500 dark:text-slate-400">
            {k}
          </dt>
          <dd translate="no" className="break-all font-mono" aria-label={k}>
            {v}
          </dd>
        </div>
      ))}
    </dl>
  );
}
