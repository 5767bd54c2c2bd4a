"use client";
import { useHydrated } from "@/components/ui/use-hydrated";
import { useId, useState, type ReactNode } from "react";
import { useTranslations } from "next-intl";
import { useCatalog } from "@/components/credential/api/get-catalog";
import { ApiError } from "@/components/ui/fetch-json";
import { useFaceidSignature, useJsSdkSignature } from "./api/sign";
import { jsSdkHints } from "@/lib/signature-hints";
import { faceidWithCredential, faceidWithTicket, type JsSdkInput, jsSdkWithCredential, jsSdkWithTicket, looksLikeMilliseconds } from "@/lib/signature-input";
import { fieldBase, primaryAction, secondaryAction, toolField } from "@/components/ui/styles";
import { CopyButton } from "./copy-button";
import { type FormatRule, useFieldErrors } from "./field-errors";

// The official example from WeChat's JS-SDK documentation (vendor-notes.md).
const WECHAT_EXAMPLE = {
  ticket: "sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg",
  nonceStr: "Wm3WZYTPz0wzccnW",
  timestamp: "1414587457",
  url: "http://mp.weixin.qq.com?params=value",
};

const ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const randomNonce = (length = 16) => Array.from(crypto.getRandomValues(new Uint8Array(length)), (b) => ALNUM[b % 62]).join("");
const nowSeconds = () => String(Math.floor(Date.now() / 1000));
/** What was typed in a number field: a number when it is digits only, the text otherwise (the schema names the rule). */
const typedNumber = (s: string): number | string | undefined => (s.trim() === "" ? undefined : /^\d+$/.test(s.trim()) ? Number(s.trim()) : s.trim());

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

/**
 * A labelled field with its hint, and the rule it breaks right below it (tied to the control by
 * aria-describedby; `control` receives the ids and the invalid flag to put on the input).
 */
function Field({
  label,
  id,
  hint,
  error,
  warning,
  children,
}: {
  label: ReactNode;
  id: string;
  hint?: ReactNode;
  error?: string;
  warning?: ReactNode;
  children: (props: { id: string; "aria-invalid"?: true; "aria-describedby": string; className: string }) => ReactNode;
}) {
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  return (
    <div className="min-w-0 space-y-1">
      <label htmlFor={id} className="block text-sm font-medium">
        {label}
      </label>
      {children({
        id,
        "aria-invalid": error ? true : undefined,
        "aria-describedby": hint ? `${hintId} ${errorId}` : errorId,
        className: `${fieldBase} font-mono ${error ? "border-red-500" : "border-slate-300 dark:border-slate-600"}`,
      })}
      {hint && (
        <p id={hintId} className="text-xs text-slate-500 dark:text-slate-400">
          {hint}
        </p>
      )}
      {warning && <p className="text-xs text-amber-800 dark:text-amber-300">⚠ {warning}</p>}
      <p id={errorId} className="text-xs text-red-700 dark:text-red-400">
        {error}
      </p>
    </div>
  );
}

/** A parameter name the vendor's API defines: kept as it is in every language. */
const param = (name: string) => <span translate="no">{name}</span>;

/** "2 fields need fixing": said once to screen readers when a submit is refused; each field says what. */
function ErrorSummary({ count }: { count: number }) {
  const t = useTranslations("signatures.errors");
  return (
    <p role="alert" className="text-sm text-red-700 dark:text-red-400">
      {count > 0 ? t("summary", { count }) : ""}
    </p>
  );
}

/** A server refusal in the page's language: the ticket could not be served, the app's slot is wrong, or the rule it broke. */
function useServerError() {
  const t = useTranslations("signatures.errors");
  return (err: Error): ReactNode => {
    if (err instanceof ApiError && err.status === 503) return t("noTicket");
    if (err instanceof ApiError && (err.body as { field?: string } | null)?.field === "credentialId") return t("credentialId");
    return t.rich("rejected", {
      detail: () => (
        <span lang="en" translate="no">
          {err.message}
        </span>
      ),
    });
  };
}

const JSSDK_RULES: Record<string, FormatRule> = {
  url: "url",
  nonceStr: "nonceStr",
  timestamp: "timestamp",
  credentialId: "credentialId",
  ticket: "ticket",
  pageSignature: "pageSignature",
};

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
  const [submitted, setSubmitted] = useState(false);
  const sign = useJsSdkSignature();
  const fieldErrors = useFieldErrors();
  const serverError = useServerError();
  const base = useId();
  const ids = { ticket: `${base}t`, cred: `${base}c`, url: `${base}u`, nonce: `${base}n`, ts: `${base}s` };
  const chosen = credentialId || tickets[0]?.id || "";
  // The milliseconds warning sits beside the timestamp field instead (said once in the form).
  const hints = url ? jsSdkHints({ url, nonceStr, timestamp }).filter((h) => h.id !== "milliseconds") : [];

  const common = { url: url.trim(), nonceStr: nonceStr.trim(), timestamp: typedNumber(timestamp) };
  const body = source === "current" ? { credentialId: chosen, ...common } : { ticket: ticket.trim(), ...common };
  const checked = source === "current" ? jsSdkWithCredential.safeParse(body) : jsSdkWithTicket.safeParse(body);
  const raw = { url, nonceStr, timestamp, ticket, credentialId: chosen };
  const errors = submitted ? fieldErrors(checked, raw, JSSDK_RULES) : {};
  const msWarning = /^\d+$/.test(timestamp.trim()) && looksLikeMilliseconds(Number(timestamp.trim())) ? t("msWarning") : undefined;
  const signedFor = sign.variables && "credentialId" in sign.variables ? sign.variables.credentialId : null;
  const signedWith = tickets.find((c) => c.id === signedFor);

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
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          setSubmitted(true);
          if (checked.success) sign.mutate(checked.data);
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
              <Field label={t("appTicket")} id={ids.cred} hint={t("appTicketHint")} error={errors.credentialId}>
                {({ className: _mono, ...props }) => (
                  <select {...props} className={toolField} value={chosen} onChange={(e) => setCredentialId(e.target.value)}>
                    {tickets.map((c) => (
                      <option key={c.id} value={c.id}>
                        {c.appName} · {c.kindLabel} ({c.vendorLabel})
                      </option>
                    ))}
                  </select>
                )}
              </Field>
            ) : (
              <Field label={param("jsapi_ticket")} id={ids.ticket} error={errors.ticket}>
                {(props) => <textarea {...props} rows={2} value={ticket} onChange={(e) => setTicket(e.target.value)} spellCheck={false} />}
              </Field>
            )}
          </fieldset>
          <div className="grid gap-4 md:grid-cols-[2fr_1fr_1fr]">
            <Field label={param("url")} id={ids.url} hint={t.rich("urlHint", { code })} error={errors.url}>
              {(props) => (
                <input {...props} value={url} onChange={(e) => setUrl(e.target.value)} placeholder="https://example.com/page?x=1" spellCheck={false} />
              )}
            </Field>
            <Field label={param("noncestr")} id={ids.nonce} error={errors.nonceStr}>
              {(props) => (
                <div className="flex gap-2">
                  <input {...props} value={nonceStr} onChange={(e) => setNonceStr(e.target.value)} spellCheck={false} />
                  <button type="button" className={secondaryAction} onClick={() => setNonceStr(randomNonce())}>
                    {t("newNonce")}
                  </button>
                </div>
              )}
            </Field>
            <Field label={param("timestamp")} id={ids.ts} hint={t("timestampHint")} error={errors.timestamp} warning={msWarning}>
              {(props) => (
                <div className="flex gap-2">
                  <input {...props} inputMode="numeric" value={timestamp} onChange={(e) => setTimestamp(e.target.value)} />
                  <button type="button" className={secondaryAction} onClick={() => setTimestamp(nowSeconds())}>
                    {t("now")}
                  </button>
                </div>
              )}
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
          <ErrorSummary count={Object.keys(errors).length} />
          <button type="submit" className={primaryAction} disabled={sign.isPending}>
            {sign.isPending ? t("signing") : t("sign")}
          </button>
        </fieldset>
      </form>
      {sign.isError && (
        <p role="alert" className="text-sm text-red-700 dark:text-red-400">
          {serverError(sign.error)}
        </p>
      )}
      {sign.data && sign.variables && (
        <JsSdkResult
          key={sign.data.signature}
          result={sign.data}
          request={sign.variables}
          configCall={signedWith?.vendor === "feishu" ? "h5sdk.config" : "wx.config"}
        />
      )}
    </section>
  );
}

type JsSdkAnswer = NonNullable<ReturnType<typeof useJsSdkSignature>["data"]>;

/** The wx.config / h5sdk.config call a page makes with these values: never the ticket, only what it computed. */
function configSnippet(call: string, r: JsSdkAnswer, notes: { appId: string; apis: string }): string {
  return [
    `${call}({`,
    r.appId ? `  appId: ${JSON.stringify(r.appId)},` : `  appId: "", // ${notes.appId}`,
    `  timestamp: ${r.timestamp},`,
    `  nonceStr: ${JSON.stringify(r.nonceStr)},`,
    `  signature: ${JSON.stringify(r.signature)},`,
    `  jsApiList: [], // ${notes.apis}`,
    "});",
  ].join("\n");
}

/**
 * The computed signature with copy buttons and the page's call, and a box for the signature the
 * page sent: the server (which alone holds an app's ticket) compares the two and names the slip
 * that reproduces the page's, if one does.
 */
function JsSdkResult({ result, request, configCall }: { result: JsSdkAnswer; request: JsSdkInput; configCall: string }) {
  const t = useTranslations("signatures");
  const fieldErrors = useFieldErrors();
  const compare = useJsSdkSignature();
  const serverError = useServerError();
  const hints = jsSdkHints({ url: request.url, nonceStr: request.nonceStr, timestamp: String(request.timestamp) });
  const [sent, setSent] = useState("");
  const [tried, setTried] = useState(false);
  const id = useId();
  const snippet = configSnippet(configCall, result, { appId: t("snippetAppId"), apis: t("snippetApis") });
  const checked = jsSdkWithTicket.pick({ pageSignature: true }).required().safeParse({ pageSignature: sent.trim() });
  const error = tried ? fieldErrors(checked, { pageSignature: sent }, { pageSignature: "pageSignature" }).pageSignature : undefined;
  // Shown for the signature it compared: typing another one hides the verdict until Compare.
  const comparison = compare.data?.comparison && compare.variables?.pageSignature === sent.trim() ? compare.data.comparison : null;
  // The slips the inputs themselves show, most likely first, when no single one reproduces the page's signature.
  const likely = hints.filter((h) => h.level === "warning").map((h) => h.id);

  return (
    <div aria-label={t("result")} role="group" className="space-y-3 rounded-md bg-slate-50 p-3 text-sm dark:bg-slate-800/60">
      {looksLikeMilliseconds(result.timestamp) && (
        <p className="text-amber-800 dark:text-amber-300" role="note">
          ⚠ {t("msWarning")}
        </p>
      )}
      <dl className="space-y-2">
        <ResultRow label={t("canonical")} value={result.canonical} copyLabel={t("copyCanonical")} />
        <ResultRow label={t("signature")} value={result.signature} copyLabel={t("copySignature")} />
        <ResultRow label={configCall} value={snippet} copyLabel={t("copySnippet")} pre labelIsCode />
      </dl>
      <form
        aria-label={t("compareForm")}
        noValidate
        className="space-y-2 border-t border-slate-200 pt-3 dark:border-slate-700"
        onSubmit={(e) => {
          e.preventDefault();
          setTried(true);
          if (checked.success) compare.mutate({ ...request, pageSignature: checked.data.pageSignature });
        }}
      >
        <Field label={t("pageSignature")} id={id} hint={t.rich("pageSignatureHint", { code })} error={error}>
          {(props) => (
            <div className="flex gap-2">
              <input {...props} value={sent} onChange={(e) => setSent(e.target.value)} spellCheck={false} autoComplete="off" />
              <button type="submit" className={secondaryAction} disabled={compare.isPending}>
                {t("compare")}
              </button>
            </div>
          )}
        </Field>
        {compare.isError && (
          <p role="alert" className="text-red-700 dark:text-red-400">
            {serverError(compare.error)}
          </p>
        )}
        {comparison && (
          <div role="status" aria-label={t("comparison")} className="space-y-1">
            {comparison.match ? (
              <p className="font-medium text-emerald-700 dark:text-emerald-400">✓ {t("match")}</p>
            ) : (
              <>
                <p className="font-medium text-red-700 dark:text-red-400">✗ {t("mismatch")}</p>
                {comparison.cause ? (
                  <p>{t.rich(`causes.${comparison.cause}`, { code, generation: String((result.ticketGeneration ?? 1) - 1) })}</p>
                ) : (
                  <>
                    <p>{t("likelyCauses")}</p>
                    <ul className="list-disc space-y-1 pl-5">
                      {likely.includes("fragment") && <li>{t.rich("likely.fragment", { code })}</li>}
                      {(likely.includes("percent") || likely.includes("nonAscii")) && <li>{t.rich("likely.encoding", { code })}</li>}
                      {likely.includes("milliseconds") && <li>{t("likely.milliseconds")}</li>}
                      <li>{t.rich("likely.spelling", { code })}</li>
                      <li>{t("likely.ticket")}</li>
                    </ul>
                  </>
                )}
              </>
            )}
          </div>
        )}
      </form>
    </div>
  );
}

/** One computed value: its name, the value (named by it, for assistive technology and tests), and its copy button. */
function ResultRow({
  label,
  value,
  copyLabel,
  pre = false,
  labelIsCode = false,
}: {
  label: string;
  value: string;
  copyLabel?: string;
  pre?: boolean;
  labelIsCode?: boolean;
}) {
  return (
    <div className="grid gap-x-3 gap-y-1 md:grid-cols-[10rem_minmax(0,1fr)]">
      <dt translate={labelIsCode ? "no" : undefined} className="text-slate-500 dark:text-slate-400">
        {label}
      </dt>
      <dd translate="no" aria-label={label} className="min-w-0 break-all font-mono">
        {pre ? <pre className="whitespace-pre-wrap break-all font-mono text-xs">{value}</pre> : value}
      </dd>
      {copyLabel && (
        <dd className="md:col-start-2">
          <CopyButton text={value} label={copyLabel} />
        </dd>
      )}
    </div>
  );
}

const FACEID_RULES: Record<string, FormatRule> = {
  wbappid: "wbappid",
  userId: "userId",
  nonceStr: "faceNonceStr",
  version: "version",
  credentialId: "credentialId",
  ticket: "ticket",
};

function FaceidTool() {
  const t = useTranslations("signatures");
  const hydrated = useHydrated();
  const credentials = useCatalog();
  const signTickets = (credentials.data?.credentials ?? []).filter((c) => c.vendor === "faceid" && c.kind === "sign_ticket");
  const [values, setValues] = useState({ wbappid: "", userId: "", nonceStr: "", version: "1.0.0" });
  const [useCurrent, setUseCurrent] = useState(true);
  const [ticket, setTicket] = useState("");
  const [credentialId, setCredentialId] = useState("");
  const [submitted, setSubmitted] = useState(false);
  const sign = useFaceidSignature();
  const fieldErrors = useFieldErrors();
  const serverError = useServerError();
  const base = useId();
  const ids = { wbappid: `${base}a`, userId: `${base}u`, nonce: `${base}n`, version: `${base}v`, ticket: `${base}t`, cred: `${base}c` };
  const chosen = credentialId || signTickets[0]?.id || "";
  const set = (k: keyof typeof values) => (e: { target: { value: string } }) => setValues((v) => ({ ...v, [k]: e.target.value }));

  const trimmed = { wbappid: values.wbappid.trim(), userId: values.userId.trim(), nonceStr: values.nonceStr.trim(), version: values.version.trim() };
  const checked = useCurrent
    ? faceidWithCredential.safeParse({ ...trimmed, credentialId: chosen })
    : faceidWithTicket.safeParse({ ...trimmed, ticket: ticket.trim() });
  const errors = submitted ? fieldErrors(checked, { ...values, ticket, credentialId: chosen }, FACEID_RULES) : {};

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
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          setSubmitted(true);
          if (checked.success) sign.mutate(checked.data);
        }}
      >
        <fieldset disabled={!hydrated} className="contents">
          <div className="grid gap-4 md:grid-cols-4">
            <Field label={param("wbappid")} id={ids.wbappid} error={errors.wbappid}>
              {(props) => <input {...props} value={values.wbappid} onChange={set("wbappid")} spellCheck={false} />}
            </Field>
            <Field label={param("userId")} id={ids.userId} error={errors.userId}>
              {(props) => <input {...props} value={values.userId} onChange={set("userId")} spellCheck={false} />}
            </Field>
            <Field label={param("nonceStr")} id={ids.nonce} error={errors.nonceStr}>
              {(props) => (
                <div className="flex gap-2">
                  <input {...props} value={values.nonceStr} onChange={set("nonceStr")} spellCheck={false} />
                  <button type="button" className={secondaryAction} onClick={() => setValues((v) => ({ ...v, nonceStr: randomNonce(32) }))}>
                    {t("newNonce")}
                  </button>
                </div>
              )}
            </Field>
            <Field label={param("version")} id={ids.version} error={errors.version}>
              {(props) => <input {...props} value={values.version} onChange={set("version")} spellCheck={false} />}
            </Field>
          </div>
          <fieldset className="space-y-2">
            <legend className="text-sm font-medium">{t("ticket")}</legend>
            <label className="flex items-center gap-2 text-sm">
              <input type="checkbox" checked={useCurrent} onChange={(e) => setUseCurrent(e.target.checked)} /> {t("useCurrentSign")}
            </label>
            {useCurrent ? (
              <Field label={t("signTicketOf")} id={ids.cred} error={errors.credentialId}>
                {({ className: _mono, ...props }) => (
                  <select {...props} className={toolField} value={chosen} onChange={(e) => setCredentialId(e.target.value)}>
                    {signTickets.map((c) => (
                      <option key={c.id} value={c.id}>
                        {c.appName} ({c.appId})
                      </option>
                    ))}
                  </select>
                )}
              </Field>
            ) : (
              <Field label={param("ticket")} id={ids.ticket} error={errors.ticket}>
                {(props) => <input {...props} value={ticket} onChange={(e) => setTicket(e.target.value)} spellCheck={false} />}
              </Field>
            )}
          </fieldset>
          <ErrorSummary count={Object.keys(errors).length} />
          <button type="submit" className={primaryAction} disabled={sign.isPending}>
            {sign.isPending ? t("signing") : t("sign")}
          </button>
        </fieldset>
      </form>
      {sign.isError && (
        <p role="alert" className="text-sm text-red-700 dark:text-red-400">
          {serverError(sign.error)}
        </p>
      )}
      {sign.data && (
        <div aria-label={t("result")} role="group" className="rounded-md bg-slate-50 p-3 text-sm dark:bg-slate-800/60">
          <dl className="space-y-2">
            <ResultRow label={t("sorted")} value={sign.data.sorted.join("  ·  ")} />
            <ResultRow label={t("canonical")} value={sign.data.canonical} copyLabel={t("copyCanonical")} />
            <ResultRow label={t("faceidSign")} value={sign.data.signature} copyLabel={t("copySign")} />
          </dl>
        </div>
      )}
    </section>
  );
}
