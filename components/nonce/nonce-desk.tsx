"use client";
import { useId, useState } from "react";
import { useCatalog } from "@/components/credential/api/get-catalog";
import { useNonces } from "./api/get-nonces";
import { useIssueNonce } from "./api/issue-nonce";
import { useMarkNonceUsed } from "./api/mark-nonce-used";
import { userIdProblem } from "@/lib/faceid-user-id";
import { useHydrated } from "@/components/ui/use-hydrated";
import { formatDuration, remainingSeconds } from "@/lib/time";
import { Countdown } from "@/components/ui/countdown";
import { useNow } from "@/components/ui/use-now";
import { primaryAction, secondaryAction } from "@/components/ui/styles";

// The desk's buttons also show a not-allowed cursor while disabled.
const primary = `${primaryAction} disabled:cursor-not-allowed`;
const secondary = `${secondaryAction} disabled:cursor-not-allowed`;

/** QA's desk: issue a single-use FaceID NONCE ticket for a user_id, copy it, mark it used. */
export function NonceDesk() {
  const credentials = useCatalog();
  const apps = [...new Map((credentials.data?.credentials ?? []).filter((c) => c.vendor === "faceid").map((c) => [c.appRef, c])).values()];
  const [appRef, setAppRef] = useState("");
  const [userId, setUserId] = useState("");
  const [touched, setTouched] = useState(false);
  const issue = useIssueNonce();
  const selected = appRef || apps[0]?.appRef || "";
  const problem = userIdProblem(userId);
  const hydrated = useHydrated();
  const showProblem = (touched || userId.length > 0) && problem;
  const ids = { user: useId(), help: useId(), error: useId(), app: useId() };

  return (
    <section aria-labelledby="nonce-title" className="space-y-5">
      <div>
        <h1 id="nonce-title" className="text-2xl font-semibold tracking-tight">
          NONCE desk
        </h1>
        <p className="text-sm text-slate-600 dark:text-slate-400">
          FaceID NONCE tickets for testing by hand: each lives 120 s and works once. Issuing again always gives a new ticket.
        </p>
      </div>

      <form
        aria-label="Issue a NONCE ticket"
        className="grid gap-4 rounded-lg border border-slate-200 bg-white p-4 shadow-sm md:grid-cols-[minmax(0,16rem)_minmax(0,20rem)_auto] md:items-start dark:border-slate-800 dark:bg-slate-900"
        onSubmit={(e) => {
          e.preventDefault();
          setTouched(true);
          if (problem || !selected) return;
          issue.mutate({ appRef: selected, userId });
        }}
      >
        <div className="space-y-1">
          <label htmlFor={ids.app} className="block text-sm font-medium">
            FaceID app
          </label>
          {credentials.isPending ? (
            <p className="text-sm text-slate-500 dark:text-slate-400">Loading apps…</p>
          ) : apps.length === 0 ? (
            <p className="text-sm text-slate-500 dark:text-slate-400">No FaceID app is registered.</p>
          ) : (
            <select
              id={ids.app}
              value={selected}
              onChange={(e) => setAppRef(e.target.value)}
              className="w-full rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm dark:border-slate-600 dark:bg-slate-950"
            >
              {apps.map((a) => (
                <option key={a.appRef} value={a.appRef}>
                  {a.appName} ({a.appId})
                </option>
              ))}
            </select>
          )}
        </div>
        <div className="space-y-1">
          <label htmlFor={ids.user} className="block text-sm font-medium">
            user_id
          </label>
          <input
            id={ids.user}
            // Typing into the server's HTML before React hydrates would not reach React's state.
            disabled={!hydrated}
            value={userId}
            onChange={(e) => setUserId(e.target.value)}
            onBlur={() => setTouched(true)}
            autoComplete="off"
            spellCheck={false}
            aria-invalid={showProblem ? true : undefined}
            aria-describedby={`${ids.help} ${ids.error}`}
            className={`w-full rounded-md border px-2 py-1.5 font-mono text-sm dark:bg-slate-950 ${showProblem ? "border-red-500" : "border-slate-300 dark:border-slate-600"}`}
          />
          <p id={ids.help} className="flex justify-between text-xs text-slate-500 dark:text-slate-400">
            <span>Letters, digits, _ and -; at most 30 characters.</span>
            <span className={userId.length > 30 ? "text-red-700 dark:text-red-400" : ""} aria-label="characters used">
              {userId.length}/30
            </span>
          </p>
          <p id={ids.error} role="alert" className="text-xs text-red-700 dark:text-red-400">
            {showProblem ? problem : ""}
          </p>
        </div>
        <div className="md:pt-6">
          <button type="submit" className={primary} disabled={issue.isPending || !selected || !!showProblem}>
            {issue.isPending && <span aria-hidden className="h-3 w-3 animate-spin rounded-full border-2 border-white/60 border-t-transparent" />}
            {issue.isPending ? "Issuing…" : "Issue"}
          </button>
        </div>
      </form>

      {issue.isError && (
        <div role="alert" className="rounded-lg border border-red-200 bg-red-50 p-4 text-sm text-red-800 dark:border-red-900 dark:bg-red-950 dark:text-red-200">
          {issue.error.message}
        </div>
      )}
      {issue.data && <IssuedTicket key={issue.data.id} issued={issue.data} />}

      <RecentNonces />
    </section>
  );
}

function IssuedTicket({ issued }: { issued: NonNullable<ReturnType<typeof useIssueNonce>["data"]> }) {
  const [copied, setCopied] = useState<string | null>(null);
  const markUsed = useMarkNonceUsed();
  const used = markUsed.isSuccess;
  return (
    <section aria-label="Issued NONCE ticket" className="space-y-3 rounded-lg border border-sky-200 bg-sky-50 p-4 dark:border-sky-900 dark:bg-sky-950/40">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 className="text-base font-semibold">
          NONCE for <span className="font-mono">{issued.userId}</span> · {issued.appName}
        </h2>
        <Countdown expiresAt={issued.expiresAt} lifetime={issued.expiresIn} clockOffsetMs={issued.clockOffsetMs} />
      </div>
      <code aria-label="NONCE ticket value" className="block break-all rounded bg-white px-2 py-1.5 font-mono text-sm dark:bg-slate-900">
        {issued.value}
      </code>
      <div className="flex flex-wrap items-center gap-2">
        <button
          type="button"
          className={secondary}
          onClick={async () => {
            try {
              await navigator.clipboard.writeText(issued.value);
              setCopied("Copied to the clipboard");
            } catch {
              setCopied("The browser blocked clipboard access: select the value and copy it by hand");
            }
          }}
        >
          Copy
        </button>
        <button type="button" className={secondary} disabled={used || markUsed.isPending} onClick={() => markUsed.mutate(issued.id)}>
          {used ? "Marked used" : "Mark used"}
        </button>
        <span role="status" aria-live="polite" className="text-xs text-slate-600 dark:text-slate-300">
          {markUsed.isError ? markUsed.error.message : copied}
        </span>
      </div>
      <p className="text-xs text-slate-500 dark:text-slate-400">Shown once: the list below keeps it masked.</p>
    </section>
  );
}

function RecentNonces() {
  const { data, isPending, error } = useNonces();
  const markUsed = useMarkNonceUsed();
  const now = useNow();
  return (
    <section aria-labelledby="recent-title" className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm dark:border-slate-800 dark:bg-slate-900">
      <h2 id="recent-title" className="mb-3 text-base font-semibold">
        Recently issued
      </h2>
      {isPending ? (
        <p role="status" className="text-sm text-slate-500 dark:text-slate-400">
          Loading…
        </p>
      ) : error && !data ? (
        <p role="alert" className="text-sm text-red-700 dark:text-red-400">
          Could not load the list: {error.message}
        </p>
      ) : data.nonces.length === 0 ? (
        <p className="text-sm text-slate-500 dark:text-slate-400">No NONCE tickets issued yet. Pick an app, type a user_id and press Issue.</p>
      ) : (
        <div className="overflow-x-auto" tabIndex={0} role="region" aria-label="Recently issued NONCE tickets">
          <table className="w-full min-w-[640px] text-left text-sm">
            <caption className="sr-only">Recently issued NONCE tickets, newest first</caption>
            <thead className="text-xs uppercase tracking-wide text-slate-500 dark:text-slate-400">
              <tr>
                {["Issued", "App", "user_id", "Ticket", "Issued by", "Time left", ""].map((h) => (
                  <th key={h} scope="col" className="px-2 py-1.5 font-medium">
                    {h}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {data.nonces.map((n) => {
                const left = now ? remainingSeconds(n.expiresAt, now, data.clockOffsetMs) : null;
                return (
                  <tr
                    key={n.id}
                    aria-label={`NONCE for ${n.userId} issued ${new Date(n.issuedAt).toLocaleTimeString()}`}
                    className="border-t border-slate-100 dark:border-slate-800"
                  >
                    <td className="px-2 py-1.5">{new Date(n.issuedAt).toLocaleTimeString()}</td>
                    <td className="px-2 py-1.5">{n.appName}</td>
                    <td className="px-2 py-1.5 font-mono">{n.userId}</td>
                    <td className="px-2 py-1.5 font-mono text-xs">{n.maskedValue}</td>
                    <td className="px-2 py-1.5">{n.issuedBy}</td>
                    <td className="px-2 py-1.5 tabular-nums">{n.usedAt ? "used" : left === null ? "…" : left > 0 ? formatDuration(left) : "expired"}</td>
                    <td className="px-2 py-1.5 text-right">
                      {!n.usedAt && left !== null && left > 0 && (
                        <button
                          type="button"
                          className={`${secondary} py-1 text-xs`}
                          onClick={() => markUsed.mutate(n.id)}
                          aria-label={`Mark the NONCE for ${n.userId} used`}
                        >
                          Mark used
                        </button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
