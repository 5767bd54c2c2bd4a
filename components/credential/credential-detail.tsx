"use client";
import type { ReactNode } from "react";
import { useCredential, useCredentials } from "./api/get-credentials";
import { useCredentialHistory } from "./api/get-credential-history";
import { formatDuration, remainingSeconds } from "@/lib/time";
import { Countdown } from "@/components/ui/countdown";
import { HealthBadge } from "@/components/ui/status-badge";
import { healthOf } from "@/lib/health";
import { useNow } from "@/components/ui/use-now";
import { RefreshAction } from "@/components/overview/refresh-action";
import { CheckAction } from "./check-action";
import { HistoryChart } from "./history-chart";
import { ValueActions } from "./value-actions";
import { CredentialAlerts } from "@/components/alerts/credential-alerts";

const time = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : "—");

export function CredentialDetail({ id }: { id: string }) {
  const { data, isPending, error } = useCredential(id);
  const all = useCredentials();
  const history = useCredentialHistory(id);
  const now = useNow();

  if (isPending)
    return (
      <Panel>
        <p role="status">Loading credential…</p>
      </Panel>
    );
  if (error && !data)
    return (
      <Panel>
        <p role="alert" className="text-red-700 dark:text-red-400">
          Could not load the credential: {error.message}
        </p>
      </Panel>
    );
  const c = data?.credential;
  if (!c) {
    return (
      <Panel>
        <p role="alert" className="font-medium">
          No credential with id {id}.
        </p>
        <p className="mt-1 text-sm text-slate-500 dark:text-slate-400">
          It may belong to an app that was disabled or removed.{" "}
          <a href="/" className="text-sky-700 underline dark:text-sky-400">
            Back to the overview
          </a>
        </p>
      </Panel>
    );
  }
  const offset = data.clockOffsetMs;
  const label = `${c.appName} ${c.kindLabel}`;
  const versions = history.data?.versions ?? [];
  const current = versions.find((v) => v.current);
  const previous = versions.find((v) => !v.current && v.validUntil && now && remainingSeconds(v.validUntil, now, offset) > 0);
  const token = all.data?.credentials.find((t) => t.appRef === c.appRef && t.kind === "access_token" && t.id !== c.id);

  return (
    <article aria-labelledby="credential-title" className="space-y-5">
      <nav aria-label="Breadcrumb" className="text-sm">
        <a href="/" className="text-sky-700 hover:underline dark:text-sky-400">
          ← Overview
        </a>
      </nav>
      <header className="flex flex-wrap items-start justify-between gap-3">
        <div>
          <h1 id="credential-title" className="text-2xl font-semibold tracking-tight">
            {c.appName} · {c.kindLabel}
          </h1>
          <p className="text-sm text-slate-600 dark:text-slate-400">
            {c.vendorLabel} · <span className="font-mono">{c.appId}</span> · generation {c.generation}
          </p>
        </div>
        <div className="flex flex-wrap items-start gap-3">
          <HealthBadge health={healthOf(c, now || Date.now(), offset)} />
          <CheckAction credentialId={c.id} label={label} />
          <div>
            <RefreshAction credential={c} label={label} align="left" />
          </div>
        </div>
      </header>
      <CredentialAlerts credential={c} clockOffsetMs={offset} />

      <div className="grid gap-4 lg:grid-cols-2">
        <Panel title="Current value">
          {c.current ? (
            <dl className="grid grid-cols-1 sm:grid-cols-[9rem_1fr] gap-x-3 gap-y-2 text-sm">
              <dt className="text-slate-500 dark:text-slate-400">Value</dt>
              <dd>
                <ValueActions credentialId={c.id} versionId={current?.id} masked={c.current.maskedValue} label="current value" />
              </dd>
              <dt className="text-slate-500 dark:text-slate-400">Expires in</dt>
              <dd>
                <Countdown expiresAt={c.current.expiresAt} lifetime={c.current.expiresIn} clockOffsetMs={offset} />
              </dd>
              <dt className="text-slate-500 dark:text-slate-400">Fetched</dt>
              <dd>
                {time(c.current.fetchedAt)} · lifetime {formatDuration(c.current.expiresIn)}
              </dd>
              <dt className="text-slate-500 dark:text-slate-400">Expires (our clock)</dt>
              <dd>{time(c.current.expiresAt)}</dd>
              <dt className="text-slate-500 dark:text-slate-400">Vendor says</dt>
              <dd>
                {c.current.vendorExpireTime ?? "—"}{" "}
                <span className="text-xs text-slate-500 dark:text-slate-400">(display only: validity counts from our fetch time + expire_in)</span>
              </dd>
              {current?.parent && (
                <>
                  <dt className="text-slate-500 dark:text-slate-400">Fetched with</dt>
                  <dd aria-label="lineage">
                    {token ? (
                      <a href={`/credentials/${token.id}`} className="text-sky-700 hover:underline dark:text-sky-400">
                        {token.kindLabel} generation {current.parent.generation ?? "?"}
                      </a>
                    ) : (
                      `access token generation ${current.parent.generation ?? "?"}`
                    )}
                  </dd>
                </>
              )}
            </dl>
          ) : (
            <p className="text-sm text-slate-500 dark:text-slate-400">Not fetched yet.</p>
          )}
          {previous && (
            <div className="mt-4 border-t border-slate-200 pt-3 dark:border-slate-800">
              <h3 className="text-sm font-medium">Previous value (in the vendor&apos;s overlap window)</h3>
              <ValueActions credentialId={c.id} versionId={previous.id} masked={previous.maskedValue} label="previous value" />
              <p className="text-xs text-slate-500 dark:text-slate-400">
                generation {previous.generation} · still valid {now ? formatDuration(remainingSeconds(previous.validUntil!, now, offset)) : "…"}
              </p>
            </div>
          )}
        </Panel>

        <Panel title="Refresh">
          <dl className="grid grid-cols-1 sm:grid-cols-[9rem_1fr] gap-x-3 gap-y-2 text-sm">
            <dt className="text-slate-500 dark:text-slate-400">Policy</dt>
            <dd>{c.policy}</dd>
            <dt className="text-slate-500 dark:text-slate-400">Next refresh</dt>
            <dd>
              {c.nextRefreshAt
                ? now
                  ? remainingSeconds(c.nextRefreshAt, now, offset) > 0
                    ? `in ${formatDuration(remainingSeconds(c.nextRefreshAt, now, offset))}`
                    : "due now"
                  : "…"
                : "not scheduled"}
              {c.nextRefreshReason && <div className="text-xs text-slate-500 dark:text-slate-400">{c.nextRefreshReason}</div>}
            </dd>
            <dt className="text-slate-500 dark:text-slate-400">Quota today</dt>
            <dd>
              {c.quota ? (
                <>
                  {c.quota.used}
                  {c.quota.limit !== null ? ` / ${c.quota.limit}` : " calls (no published limit)"} on{" "}
                  <code className="font-mono text-xs">{c.quota.endpoint}</code>
                  {c.quota.exhausted && <div className="text-xs text-red-700 dark:text-red-400">used up until 00:00 UTC+8</div>}
                </>
              ) : (
                "—"
              )}
            </dd>
            <dt className="text-slate-500 dark:text-slate-400">Last error</dt>
            <dd className={c.lastError ? "text-red-700 dark:text-red-400" : ""}>
              {c.lastError
                ? `${c.lastError.class ? `${c.lastError.class}: ` : ""}${c.lastError.message} (${time(c.lastError.at)}, ${c.consecutiveFailures} in a row)`
                : "none"}
            </dd>
            {c.refreshing && c.lease && (
              <>
                <dt className="text-slate-500 dark:text-slate-400">Refreshing</dt>
                <dd>
                  on {c.lease.instance} since {time(c.lease.acquiredAt)}
                </dd>
              </>
            )}
          </dl>
        </Panel>
      </div>

      <Panel title="Over time">
        {history.data ? (
          <HistoryChart history={history.data} />
        ) : (
          <p role="status" className="text-sm text-slate-500 dark:text-slate-400">
            Loading history…
          </p>
        )}
      </Panel>

      <Panel title="Versions">
        <Table
          caption="Every version of this credential, newest first"
          head={["Generation", "Value", "Fetched", "Lifetime", "Expires", "Superseded", "Valid until", "Fetched with"]}
          empty={history.isPending ? "Loading…" : "No versions yet."}
          rows={versions.map((v) => [
            <span key="g">
              {v.generation}
              {v.current && (
                <span className="ml-1 rounded bg-emerald-100 px-1 text-xs text-emerald-800 dark:bg-emerald-900/50 dark:text-emerald-300">current</span>
              )}
            </span>,
            <code key="v" className="font-mono text-xs">
              {v.maskedValue}
            </code>,
            time(v.fetchedAt),
            formatDuration(v.expiresIn),
            time(v.expiresAt),
            time(v.supersededAt),
            time(v.validUntil),
            v.parent ? `token generation ${v.parent.generation ?? "?"}` : "—",
          ])}
        />
        {history.data && <p className="mt-2 text-xs text-slate-500 dark:text-slate-400">History is kept {history.data.retentionDays} days.</p>}
      </Panel>

      <Panel title="Upstream calls">
        <Table
          caption="Every call made to the vendor for this credential, newest first"
          head={["Time", "Endpoint", "Latency", "HTTP", "Vendor code", "Message", "Outcome"]}
          empty={history.isPending ? "Loading…" : "No calls yet."}
          rows={(history.data?.calls ?? []).map((call) => [
            time(call.startedAt),
            <code key="e" className="font-mono text-xs">
              {call.method} {call.endpoint}
            </code>,
            `${call.latencyMs} ms`,
            call.httpStatus ?? "—",
            call.vendorCode ?? "—",
            call.vendorMessage ?? "—",
            call.errorClass ? (
              <span key="o" className="text-red-700 dark:text-red-400">
                {call.errorClass}
              </span>
            ) : (
              <span key="o" className="text-emerald-700 dark:text-emerald-400">
                ok
              </span>
            ),
          ])}
        />
      </Panel>
    </article>
  );
}

function Panel({ title, children }: { title?: string; children: ReactNode }) {
  return (
    <section className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm dark:border-slate-800 dark:bg-slate-900">
      {title && <h2 className="mb-3 text-base font-semibold">{title}</h2>}
      {children}
    </section>
  );
}

function Table({ caption, head, rows, empty }: { caption: string; head: string[]; rows: ReactNode[][]; empty: string }) {
  if (rows.length === 0) return <p className="text-sm text-slate-500 dark:text-slate-400">{empty}</p>;
  return (
    // Focusable, so keyboard users can scroll a long table.
    <div className="max-h-96 overflow-auto" tabIndex={0} role="region" aria-label={caption}>
      <table className="w-full min-w-[720px] text-left text-sm">
        <caption className="sr-only">{caption}</caption>
        <thead className="sticky top-0 bg-slate-50 text-xs uppercase tracking-wide text-slate-500 dark:bg-slate-800 dark:text-slate-400">
          <tr>
            {head.map((h) => (
              <th key={h} scope="col" className="px-2 py-1.5 font-medium">
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={i} className="border-t border-slate-100 dark:border-slate-800">
              {r.map((cell, j) => (
                <td key={j} className="px-2 py-1.5 align-top">
                  {cell}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
