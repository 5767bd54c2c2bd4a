"use client";
import { useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { memo, type ReactNode, useEffect, useMemo, useRef } from "react";
import { templateOf } from "@/lib/message-template";
import { useAppCredentials } from "./api/get-credentials";
import { useCredentialHistory } from "./api/get-credential-history";
import { remainingSeconds } from "@/lib/time";
import { Countdown, FirstPaintClockProvider, useClockOffset, useFormatDuration, useSecondsLeft } from "@/components/ui/countdown";
import { useHydrated } from "@/components/ui/use-hydrated";
import { UNCONFIRMED_TEXT, useUnconfirmed } from "@/components/ui/freshness";
import { useFormatDateTime } from "@/components/ui/date-time";
import { HealthBadge } from "@/components/ui/status-badge";
import { healthOf } from "@/lib/health";
import { useNowSelect } from "@/components/ui/use-now";
import { RefreshAction } from "@/components/overview/refresh-action";
import { CheckAction } from "./check-action";
import { HistoryChart } from "./history-chart";
import { ValueActions } from "./value-actions";
import { useFailureLabel } from "./failure-label";
import { CredentialAlerts } from "@/components/alerts/credential-alerts";
import { useKindLabel } from "@/components/overview/kind-label";
import { LastErrorText, SentenceText } from "@/components/ui/sentence";

/**
 * One credential's page. `app`: the id of its app, found by the server page (null: no such
 * credential; undefined: the database could not be asked); the page reads that app's credentials
 * only (the credential and its token).
 */
export function CredentialDetail({ id, app }: { id: string; app: string | null | undefined }) {
  if (app === null) return <NotFound id={id} />;
  if (app === undefined) return <Unavailable />;
  return <Found id={id} app={app} />;
}

/** How often a page served while the database did not answer asks the server again. */
const UNAVAILABLE_RETRY_MS = 5_000;

/**
 * The database did not answer when the page was asked for: said so, with a way to ask again, and
 * asked again by itself every few seconds (the server's part of the page only), so it comes back
 * with the database.
 */
function Unavailable() {
  const router = useRouter();
  useEffect(() => {
    const timer = setInterval(() => router.refresh(), UNAVAILABLE_RETRY_MS);
    return () => clearInterval(timer);
  }, [router]);
  const t = useTranslations("credential");
  const tFresh = useTranslations("freshness");
  const tOverview = useTranslations("overview");
  return (
    <Panel>
      <p role="alert" className="text-red-700 dark:text-red-400">
        {t("loadFailed", { error: tFresh("databaseDown") })}
      </p>
      <button type="button" onClick={() => router.refresh()} className="mt-3 rounded-md bg-red-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-red-800">
        {tOverview("tryAgain")}
      </button>
    </Panel>
  );
}

function NotFound({ id }: { id: string }) {
  const t = useTranslations("credential");
  return (
    <Panel>
      <p role="alert" className="font-medium">
        {t("notFound", { id })}
      </p>
      <p className="mt-1 text-sm text-slate-500 dark:text-slate-400">
        {t("notFoundHint")}{" "}
        <a href="/" className="text-sky-700 underline dark:text-sky-400">
          {t("backToOverview")}
        </a>
      </p>
    </Panel>
  );
}

function Found({ id, app }: { id: string; app: string }) {
  // Its app's credentials: this one and the token its tickets are fetched with (in the page's HTML).
  const { data, isPending, error, refetch } = useAppCredentials(app);
  const history = useCredentialHistory(id);
  const hydrated = useHydrated();
  const t = useTranslations("credential");
  const formatDateTime = useFormatDateTime();
  const formatDuration = useFormatDuration();
  const kindLabel = useKindLabel();
  const time = (iso: string | null) => (iso ? formatDateTime(iso) : "—");
  const c = data?.credentials.find((x) => x.id === id);
  const offset = useClockOffset(data);
  const renderedAt = data ? Date.parse(data.serverTime) : 0;
  const versions = history.data?.versions ?? [];
  // The ticking lines' messages as templates, formatted once, not each second (lib/message-template.ts).
  const inDuration = useMemo(() => templateOf((d) => t("inDuration", { duration: d })), [t]);
  const previousLine = useMemo(() => {
    const byGeneration = new Map<number, (duration: string) => string>();
    return (generation: number, duration: string) => {
      const line = byGeneration.get(generation) ?? templateOf((d) => t("previousLine", { generation: String(generation), duration: d }));
      byGeneration.set(generation, line);
      return line(duration);
    };
  }, [t]);
  // What moves by time alone only at some moments (the health, which superseded value is still
  // accepted) is chosen at each tick, and the page renders again only when it changes: the texts that
  // count down tick on their own (Ticking), not the whole page with its charts and tables every second.
  // Until the ticker runs (server rendering, hydration) health is read on the server's clock at the
  // moment it answered, so the server's HTML and the hydrating page agree.
  const health = useNowSelect((now) => (c ? healthOf(c, now || renderedAt, now ? offset : 0) : null));
  const previousId = useNowSelect(
    (now) => versions.find((v) => !v.current && v.validUntil && remainingSeconds(v.validUntil, now || renderedAt, now ? offset : 0) > 0)?.id ?? null,
  );
  // Drawn after the page was live (the server asked again once its database answered: Unavailable),
  // this data was read long after the navigation and no request of this page has measured the
  // server's clock yet: read it again now rather than count down on the browser's clock meanwhile.
  const mountedLive = useRef(hydrated);
  const unmeasured = data?.clockOffsetMs === null;
  useEffect(() => {
    if (mountedLive.current && unmeasured) void refetch();
  }, [unmeasured, refetch]);

  if (isPending)
    return (
      <Panel>
        <p role="status">{t("loading")}</p>
      </Panel>
    );
  if (error && !data)
    return (
      <Panel>
        <p role="alert" className="text-red-700 dark:text-red-400">
          {t("loadFailed", { error: error.message })}
        </p>
      </Panel>
    );
  // Gone since the page was served (its app deleted).
  if (!c) return <NotFound id={id} />;
  const label = `${c.appName} ${kindLabel(c.kindLabel)}`;
  const current = versions.find((v) => v.current);
  const previous = versions.find((v) => v.id === previousId);
  const token = data?.credentials.find((t) => t.appRef === c.appRef && t.kind === "access_token" && t.id !== c.id);

  return (
    <FirstPaintClockProvider renderedAt={renderedAt}>
      <article aria-labelledby="credential-title" className="space-y-5">
        <nav aria-label={t("breadcrumb")} className="text-sm">
          <a href="/" className="text-sky-700 hover:underline dark:text-sky-400">
            {t("overview")}
          </a>
        </nav>
        <header className="flex flex-wrap items-start justify-between gap-3">
          <div>
            <h1 id="credential-title" translate="no" className="text-2xl font-semibold tracking-tight">
              {c.appName} · {kindLabel(c.kindLabel)}
            </h1>
            <p className="text-sm text-slate-600 dark:text-slate-400">
              <span translate="no">
                {c.vendorLabel} · <span className="font-mono">{c.appId}</span>
              </span>{" "}
              · {t("generation", { generation: String(c.generation) })}
            </p>
          </div>
          <div className="flex flex-wrap items-start gap-3">
            {health && <HealthBadge health={health} />}
            <CheckAction credentialId={c.id} label={label} />
            <div>
              <RefreshAction credential={c} label={label} align="left" />
            </div>
          </div>
        </header>
        <CredentialAlerts credential={c} clockOffsetMs={offset} />

        <div className="grid gap-4 lg:grid-cols-2">
          <Panel title={t("currentValue")}>
            {c.current ? (
              <dl className="grid grid-cols-1 sm:grid-cols-[9rem_1fr] gap-x-3 gap-y-2 text-sm">
                <dt className="text-slate-500 dark:text-slate-400">{t("value")}</dt>
                <dd>
                  <ValueActions credentialId={c.id} app={app} versionId={current?.id} masked={c.current.maskedValue} label={t("currentValueLabel")} />
                </dd>
                <dt className="text-slate-500 dark:text-slate-400">{t("expiresIn")}</dt>
                <dd>
                  <Countdown expiresAt={c.current.expiresAt} lifetime={c.current.expiresIn} clockOffsetMs={offset} />
                </dd>
                <dt className="text-slate-500 dark:text-slate-400">{t("fetched")}</dt>
                <dd>
                  {time(c.current.fetchedAt)} · {t("lifetime", { duration: formatDuration(c.current.expiresIn) })}
                </dd>
                <dt className="text-slate-500 dark:text-slate-400">{t("expiresOurClock")}</dt>
                <dd>{time(c.current.expiresAt)}</dd>
                <dt className="text-slate-500 dark:text-slate-400">{t("vendorSays")}</dt>
                <dd>
                  <span translate="no">{c.current.vendorExpireTime ?? "—"}</span>{" "}
                  <span className="text-xs text-slate-500 dark:text-slate-400">
                    {t.rich("vendorSaysNote", { code: (chunks) => <code className="font-mono">{chunks}</code> })}
                  </span>
                </dd>
                {current?.parent && (
                  <>
                    <dt className="text-slate-500 dark:text-slate-400">{t("fetchedWith")}</dt>
                    <dd aria-label={t("lineage")}>
                      {token ? (
                        <a href={`/credentials/${token.id}`} className="text-sky-700 hover:underline dark:text-sky-400">
                          {t("kindGeneration", { kind: kindLabel(token.kindLabel), generation: String(current.parent.generation ?? "?") })}
                        </a>
                      ) : (
                        t("tokenGeneration", { generation: String(current.parent.generation ?? "?") })
                      )}
                    </dd>
                  </>
                )}
              </dl>
            ) : (
              <p className="text-sm text-slate-500 dark:text-slate-400">{t("notFetched")}</p>
            )}
            {previous && (
              <div className="mt-4 border-t border-slate-200 pt-3 dark:border-slate-800">
                <h3 className="text-sm font-medium">{t("previousTitle")}</h3>
                <ValueActions credentialId={c.id} app={app} versionId={previous.id} masked={previous.maskedValue} label={t("previousValueLabel")} />
                <p className="text-xs text-slate-500 dark:text-slate-400">
                  <Ticking
                    at={previous.validUntil!}
                    offsetMs={offset}
                    render={(left) => previousLine(previous.generation, left === null ? "…" : formatDuration(left))}
                  />
                </p>
              </div>
            )}
          </Panel>

          <Panel title={t("refreshTitle")}>
            <dl className="grid grid-cols-1 sm:grid-cols-[9rem_1fr] gap-x-3 gap-y-2 text-sm">
              <dt className="text-slate-500 dark:text-slate-400">{t("policy")}</dt>
              <dd>
                <SentenceText sentence={c.policySentence} fallback={c.policy} />
              </dd>
              <dt className="text-slate-500 dark:text-slate-400">{t("nextRefresh")}</dt>
              <dd>
                {c.nextRefreshAt ? (
                  <Ticking
                    testId="next-refresh"
                    at={c.nextRefreshAt}
                    offsetMs={offset}
                    render={(left) => (left === null ? "…" : left > 0 ? inDuration(formatDuration(left)) : t("dueNow"))}
                  />
                ) : (
                  t("notScheduled")
                )}
                {c.nextRefreshReason && (
                  <div className="text-xs text-slate-500 dark:text-slate-400">
                    <SentenceText sentence={c.nextRefreshReasonSentence} fallback={c.nextRefreshReason} />
                  </div>
                )}
              </dd>
              <dt className="text-slate-500 dark:text-slate-400">{t("quotaToday")}</dt>
              <dd>
                {c.quota ? (
                  <>
                    {t.rich(c.quota.limit !== null ? "quotaLimit" : "quotaNoLimit", {
                      used: String(c.quota.used),
                      limit: String(c.quota.limit),
                      endpoint: c.quota.endpoint,
                      code: (chunks) => <code className="font-mono text-xs">{chunks}</code>,
                    })}
                    {c.quota.exhausted && <div className="text-xs text-red-700 dark:text-red-400">{t("quotaUsedUp")}</div>}
                  </>
                ) : (
                  "—"
                )}
              </dd>
              <dt className="text-slate-500 dark:text-slate-400">{t("lastError")}</dt>
              <dd className={c.lastError ? "text-red-700 dark:text-red-400" : ""}>
                {c.lastError ? (
                  <>
                    <LastErrorText error={c.lastError} /> {t("lastErrorWhen", { time: time(c.lastError.at), count: String(c.consecutiveFailures) })}
                  </>
                ) : (
                  t("none")
                )}
              </dd>
              {c.refreshing && c.lease && (
                <>
                  <dt className="text-slate-500 dark:text-slate-400">{t("refreshing")}</dt>
                  <dd>{t.rich("refreshingOn", { instance: c.lease.instance, when: () => time(c.lease?.acquiredAt ?? null) })}</dd>
                </>
              )}
            </dl>
          </Panel>
        </div>

        <Panel title={t("overTime")}>
          {history.data ? (
            <HistoryChart history={history.data} />
          ) : (
            <p role="status" className="text-sm text-slate-500 dark:text-slate-400">
              {t("loadingHistory")}
            </p>
          )}
        </Panel>

        <Panel title={t("versions")}>
          <Table
            caption={t("versionsCaption")}
            head={[
              t("colGeneration"),
              t("colValue"),
              t("colFetched"),
              t("colLifetime"),
              t("colExpires"),
              t("colSuperseded"),
              t("colValidUntil"),
              t("colFetchedWith"),
            ]}
            empty={history.isPending ? t("loadingShort") : t("noVersions")}
          >
            {versions.map((v) => (
              <VersionRow key={v.id} version={v} />
            ))}
          </Table>
          {history.data && <p className="mt-2 text-xs text-slate-500 dark:text-slate-400">{t("retention", { days: String(history.data.retentionDays) })}</p>}
        </Panel>

        <Panel title={t("upstream")}>
          <Table
            caption={t("callsCaption")}
            head={[t("colTime"), t("colEndpoint"), t("colLatency"), t("colHttp"), t("colVendorCode"), t("colMessage"), t("colOutcome")]}
            empty={history.isPending ? t("loadingShort") : t("noCalls")}
          >
            {(history.data?.calls ?? []).map((call) => (
              <CallRow key={call.id} call={call} />
            ))}
          </Table>
        </Panel>
      </article>
    </FirstPaintClockProvider>
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

function Table({ caption, head, empty, children }: { caption: string; head: string[]; empty: string; children: ReactNode[] }) {
  if (children.length === 0) return <p className="text-sm text-slate-500 dark:text-slate-400">{empty}</p>;
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
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

function Row({ cells }: { cells: ReactNode[] }) {
  return (
    <tr className="border-t border-slate-100 dark:border-slate-800">
      {cells.map((cell, j) => (
        <td key={j} className="px-2 py-1.5 align-top">
          {cell}
        </td>
      ))}
    </tr>
  );
}

type History = NonNullable<ReturnType<typeof useCredentialHistory>["data"]>;

/**
 * One version of the history. Memoised (as CallRow): the history is read again at each change, and
 * a version that did not change is the same object (lib/share-by-id.ts), so only new and changed
 * rows are drawn again, not all 200 of each table in every open tab.
 */
const VersionRow = memo(function VersionRow({ version: v }: { version: History["versions"][number] }) {
  const t = useTranslations("credential");
  const formatDateTime = useFormatDateTime();
  const formatDuration = useFormatDuration();
  const time = (iso: string | null) => (iso ? formatDateTime(iso) : "—");
  return (
    <Row
      cells={[
        <span key="g">
          {v.generation}
          {v.current && (
            <span className="ml-1 whitespace-nowrap rounded bg-emerald-100 px-1 text-xs text-emerald-800 dark:bg-emerald-900/50 dark:text-emerald-300">
              {t("current")}
            </span>
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
        v.parent ? t("parentGeneration", { generation: String(v.parent.generation ?? "?") }) : "—",
      ]}
    />
  );
});

/** One upstream call of the history (memoised like VersionRow). */
const CallRow = memo(function CallRow({ call }: { call: History["calls"][number] }) {
  const t = useTranslations("credential");
  const formatDateTime = useFormatDateTime();
  const failure = useFailureLabel();
  return (
    <Row
      cells={[
        formatDateTime(call.startedAt),
        <code key="e" className="font-mono text-xs">
          {call.method} {call.endpoint}
        </code>,
        t("ms", { ms: String(call.latencyMs) }),
        call.httpStatus ?? "—",
        call.vendorCode ?? "—",
        call.vendorMessage ? (
          <span key="m" translate="no">
            {call.vendorMessage}
          </span>
        ) : (
          "—"
        ),
        call.errorClass ? (
          <span key="o" className="text-red-700 dark:text-red-400">
            {failure(call.errorClass)}
          </span>
        ) : (
          <span key="o" className="text-emerald-700 dark:text-emerald-400">
            {t("ok")}
          </span>
        ),
      ]}
    />
  );
});

/**
 * What `render` shows for the seconds left until `at` (server clock), ticking on its own (in the
 * server's HTML, as the server saw it: useSecondsLeft). Grey while nothing on the page is confirmed, like the countdown: it counts on the
 * last known plan.
 */
function Ticking({ at, offsetMs, render, testId }: { at: string; offsetMs: number; render: (left: number | null) => ReactNode; testId?: string }) {
  const left = useSecondsLeft(at, offsetMs);
  const unconfirmed = useUnconfirmed();
  return (
    <span data-testid={testId} {...unconfirmed} className={unconfirmed ? UNCONFIRMED_TEXT : undefined}>
      {render(left)}
    </span>
  );
}
