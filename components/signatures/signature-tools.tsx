"use client";
import { useHydrated } from "@/components/ui/use-hydrated";
import { useId, useState, type ReactNode } from "react";
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

export function SignatureTools() {
  return (
    <section aria-labelledby="sig-title" className="space-y-5">
      <div>
        <h1 id="sig-title" className="text-2xl font-semibold tracking-tight">
          Signatures
        </h1>
        <p className="text-sm text-slate-600 dark:text-slate-400">
          Compute what a page or an SDK must send, step by step, to find out why a vendor says &quot;invalid signature&quot;.
        </p>
      </div>
      <JsSdkTool />
      <FaceidTool />
    </section>
  );
}

function Field({ label, id, children, hint }: { label: string; id: string; children: ReactNode; hint?: string }) {
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

function JsSdkTool() {
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
          JS-SDK signature (WeChat, Feishu)
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
          Fill in WeChat&apos;s official example
        </button>
      </div>
      <form
        aria-label="JS-SDK signature"
        className="space-y-4"
        onSubmit={(e) => {
          e.preventDefault();
          const common = { url: url.trim(), nonceStr: nonceStr.trim(), timestamp: Number(timestamp) };
          sign.mutate(source === "current" ? { credentialId: chosen, ...common } : { ticket: ticket.trim(), ...common });
        }}
      >
        <fieldset disabled={!hydrated} className="contents">
          <fieldset className="space-y-2">
            <legend className="text-sm font-medium">Ticket</legend>
            <div className="flex flex-wrap gap-4 text-sm">
              <label className="flex items-center gap-2">
                <input type="radio" name="source" checked={source === "current"} onChange={() => setSource("current")} /> The current ticket of an app
              </label>
              <label className="flex items-center gap-2">
                <input type="radio" name="source" checked={source === "pasted"} onChange={() => setSource("pasted")} /> A ticket I paste
              </label>
            </div>
            {source === "current" ? (
              <Field label="App ticket" id={ids.cred} hint="The ticket stays on the server; the canonical string shows it masked.">
                <select id={ids.cred} className={toolField} value={chosen} onChange={(e) => setCredentialId(e.target.value)}>
                  {tickets.map((t) => (
                    <option key={t.id} value={t.id}>
                      {t.appName} · {t.kindLabel} ({t.vendorLabel})
                    </option>
                  ))}
                </select>
              </Field>
            ) : (
              <Field label="jsapi_ticket" id={ids.ticket}>
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
            <Field label="url" id={ids.url} hint="The page's full URL, exactly as location.href shows it, without #fragment.">
              <input
                id={ids.url}
                className={`${toolField} font-mono`}
                value={url}
                onChange={(e) => setUrl(e.target.value)}
                placeholder="https://example.com/page?x=1"
                spellCheck={false}
              />
            </Field>
            <Field label="noncestr" id={ids.nonce}>
              <div className="flex gap-2">
                <input id={ids.nonce} className={`${toolField} font-mono`} value={nonceStr} onChange={(e) => setNonceStr(e.target.value)} spellCheck={false} />
                <button type="button" className={secondaryAction} onClick={() => setNonceStr(randomNonce())}>
                  New
                </button>
              </div>
            </Field>
            <Field label="timestamp" id={ids.ts} hint="Seconds since 1970.">
              <div className="flex gap-2">
                <input id={ids.ts} inputMode="numeric" className={`${toolField} font-mono`} value={timestamp} onChange={(e) => setTimestamp(e.target.value)} />
                <button type="button" className={secondaryAction} onClick={() => setTimestamp(nowSeconds())}>
                  Now
                </button>
              </div>
            </Field>
          </div>
          {hints.length > 0 && (
            <ul aria-label="Checks" className="space-y-1 text-sm">
              {hints.map((h) => (
                <li key={h.text} className={h.level === "warning" ? "text-amber-800 dark:text-amber-300" : "text-slate-600 dark:text-slate-400"}>
                  {h.level === "warning" ? "⚠ " : "ℹ "}
                  {h.text}
                </li>
              ))}
            </ul>
          )}
          <button type="submit" className={primaryAction} disabled={sign.isPending || (source === "current" && !chosen)}>
            {sign.isPending ? "Signing…" : "Sign"}
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
            ["Canonical string", sign.data.canonical],
            ["signature (sha1)", sign.data.signature],
            ...(sign.data.appId
              ? ([
                  [
                    "wx.config",
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
        FaceID sign
      </h2>
      <p className="text-sm text-slate-600 dark:text-slate-400">SHA1 over the values (not the keys) sorted lexicographically and concatenated.</p>
      <form
        aria-label="FaceID sign"
        className="space-y-4"
        onSubmit={(e) => {
          e.preventDefault();
          const list = [values.wbappid, values.userId, values.nonceStr, values.version].map((v) => v.trim()).filter(Boolean);
          sign.mutate(useCurrent ? { values: list, credentialId: chosen } : { values: [...list, ticket.trim()].filter(Boolean) });
        }}
      >
        <fieldset disabled={!hydrated} className="contents">
          <div className="grid gap-4 md:grid-cols-4">
            <Field label="wbappid" id={ids.wbappid}>
              <input id={ids.wbappid} className={`${toolField} font-mono`} value={values.wbappid} onChange={set("wbappid")} />
            </Field>
            <Field label="userId" id={ids.userId}>
              <input id={ids.userId} className={`${toolField} font-mono`} value={values.userId} onChange={set("userId")} />
            </Field>
            <Field label="nonceStr" id={ids.nonce}>
              <input id={ids.nonce} className={`${toolField} font-mono`} value={values.nonceStr} onChange={set("nonceStr")} />
            </Field>
            <Field label="version" id={ids.version}>
              <input id={ids.version} className={`${toolField} font-mono`} value={values.version} onChange={set("version")} />
            </Field>
          </div>
          <fieldset className="space-y-2">
            <legend className="text-sm font-medium">Ticket</legend>
            <label className="flex items-center gap-2 text-sm">
              <input type="checkbox" checked={useCurrent} onChange={(e) => setUseCurrent(e.target.checked)} /> Use the current SIGN ticket of an app
            </label>
            {useCurrent ? (
              <Field label="SIGN ticket of" id={ids.cred}>
                <select id={ids.cred} className={toolField} value={chosen} onChange={(e) => setCredentialId(e.target.value)}>
                  {signTickets.map((t) => (
                    <option key={t.id} value={t.id}>
                      {t.appName} ({t.appId})
                    </option>
                  ))}
                </select>
              </Field>
            ) : (
              <Field label="ticket" id={ids.ticket}>
                <input id={ids.ticket} className={`${toolField} font-mono`} value={ticket} onChange={(e) => setTicket(e.target.value)} />
              </Field>
            )}
          </fieldset>
          <button type="submit" className={primaryAction} disabled={sign.isPending}>
            {sign.isPending ? "Signing…" : "Sign"}
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
            ["Sorted values", sign.data.sorted.join("  ·  ")],
            ["Canonical string", sign.data.canonical],
            ["sign (sha1)", sign.data.signature],
          ]}
        />
      )}
    </section>
  );
}

function Result({ rows }: { rows: [string, string][] }) {
  return (
    <dl aria-label="Result" className="grid gap-x-3 gap-y-2 rounded-md bg-slate-50 p-3 text-sm md:grid-cols-[10rem_1fr] dark:bg-slate-800/60">
      {rows.map(([k, v]) => (
        <div key={k} className="contents">
          <dt className="text-slate-500 dark:text-slate-400">{k}</dt>
          <dd className="break-all font-mono" aria-label={k}>
            {v}
          </dd>
        </div>
      ))}
    </dl>
  );
}
