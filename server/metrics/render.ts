import "server-only";
import { getConfig } from "../config";
import { getDb } from "../db";
import { ALERT_KINDS } from "../alerts/kinds";
import { LATENCY_BUCKETS_SECONDS, mergeSnapshots, snapshotRegistry, type RegistrySnapshot } from "./registry";
import { currentStates } from "./states";
import type { CredentialState } from "../tickets/list-credentials";

const esc = (v: string) => v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
const labelText = (labels: Record<string, string>) => {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${esc(v)}"`);
  return parts.length ? `{${parts.join(",")}}` : "";
};
const num = (n: number) => (Number.isFinite(n) ? String(n) : "NaN");

/** A metric family's header lines. */
function* family(name: string, type: "gauge" | "counter" | "histogram", help: string): Generator<string> {
  yield `# HELP ${name} ${help}`;
  yield `# TYPE ${name} ${type}`;
}
const sample = (name: string, labels: Record<string, string>, value: number) => `${name}${labelText(labels)} ${num(value)}`;
/** A sample whose label set is already written (`{…}`): a credential's labels serve six families. */
const sampleWritten = (name: string, labels: string, value: number) => `${name}${labels} ${num(value)}`;

type Snapshot = ReturnType<typeof snapshotRegistry>;
type Sample = Snapshot["refreshes"][number];
type Hist = Snapshot["upstreamLatency"][number];

/** Counters of vendors outside `vendors` merged into one series per remaining label (null: keep all). */
function foldOutOfScope(r: Snapshot, vendors: ReadonlySet<string> | null): Snapshot {
  if (!vendors) return r;
  // Kinds and endpoints name their vendor (sign_ticket, /open-apis/…), so they are folded too.
  const mask = (labels: Record<string, string>) =>
    vendors.has(labels.vendor ?? "")
      ? labels
      : Object.fromEntries(Object.entries(labels).map(([k, v]) => [k, k === "vendor" || k === "kind" || k === "endpoint" ? "other" : v]));
  const counters = (list: Sample[]) => {
    const out = new Map<string, Sample>();
    for (const e of list) {
      const labels = mask(e.labels);
      const k = JSON.stringify(labels);
      const have = out.get(k);
      if (have) have.value += e.value;
      else out.set(k, { labels, value: e.value });
    }
    return [...out.values()];
  };
  const histograms = (list: Hist[]) => {
    const out = new Map<string, Hist>();
    for (const h of list) {
      const labels = mask(h.labels);
      const k = JSON.stringify(labels);
      const have = out.get(k);
      if (!have) out.set(k, { labels, buckets: [...h.buckets], sum: h.sum, count: h.count });
      else {
        h.buckets.forEach((b, i) => (have.buckets[i]! += b));
        have.sum += h.sum;
        have.count += h.count;
      }
    }
    return [...out.values()];
  };
  return { ...r, refreshes: counters(r.refreshes), upstreamCalls: counters(r.upstreamCalls), upstreamLatency: histograms(r.upstreamLatency), alertsSent: [] };
}

/**
 * Each credential's labels, written once: with thousands of apps a scrape writes ~40,000 lines, and
 * building a label object and its text per line made ~35 MiB of garbage per scrape. Kept with the
 * state they were written for (server/metrics/states.ts keeps a state while it holds): a scrape then
 * writes none again, where the label texts made at each scrape lived through its streaming and
 * were promoted to the old generation.
 */
const labelsSaid = new WeakMap<object, string>();
function labelsOf(c: CredentialState): string {
  let text = labelsSaid.get(c);
  if (text === undefined) labelsSaid.set(c, (text = labelText({ vendor: c.vendor, app_id: c.appId, kind: c.kind })));
  return text;
}
/** A quota's labels, kept with the quota read (one per app and endpoint). */
function quotaLabelsOf(c: CredentialState, quota: NonNullable<CredentialState["quota"]>): string {
  let text = labelsSaid.get(quota);
  if (text === undefined) labelsSaid.set(quota, (text = labelText({ vendor: c.vendor, app_id: c.appId, endpoint: quota.endpoint })));
  return text;
}

/** What a reader may see: every app (a signed-in dashboard user), or the apps an API key is scoped to. */
export type MetricsScope = { apps: "all" } | { apps: ReadonlySet<string> };

/**
 * Another process of this instance whose counters count too: the Next server behind the read plane
 * (scripts/read-plane.ts) runs the scheduler, so most refreshes and upstream calls are counted there.
 */
export type PeerProcess = { name: string; registry: RegistrySnapshot; memory: { rss: number; heapUsed: number } };

/**
 * /api/metrics in the Prometheus text format (0.0.4): the state of every credential in scope (from
 * the database, the same for every instance), open alerts of those apps, and this instance's
 * counters (refreshes, upstream calls, latency, lease takeovers, alert notifications).
 *
 * A key scoped to some apps must not learn about the others (their app ids, expiries, quotas,
 * alerts), so per-app series are filtered to its apps; this instance's per-vendor counters keep the
 * key's vendors and fold every other vendor into `vendor="other"` (totals stay right, names do not
 * leak); alert notifications, which count every app's alerts, are left out for it.
 *
 * Everything it reads comes first; the lines are made from it as they are taken (a generator), so
 * a scrape that streams them (metricsBody) never holds the whole text.
 */
export async function metricLines(scope: MetricsScope, self = "next", peers: readonly PeerProcess[] = []): Promise<Iterable<string>> {
  const all = scope.apps === "all";
  const inScope = (appRef: string | null) => scope.apps === "all" || (appRef !== null && scope.apps.has(appRef));
  const creds = (await currentStates()).filter((c) => inScope(c.appRef));
  const vendors = new Set(creds.map((c) => c.vendor));
  // Open alerts are few: counted per app here and filtered to the scope below (a key may hold
  // thousands of apps, more than a query's parameters allow).
  const openByApp = await getDb().alert.groupBy({ by: ["kind", "appRef"], where: { openKey: { not: null } }, _count: { _all: true } });
  const openCount = (kind: string) => openByApp.reduce((n, a) => (a.kind === kind && (all || inScope(a.appRef)) ? n + a._count._all : n), 0);
  const ids = creds.map(labelsOf);
  const quotas = new Map<string, { labels: string; used: number; limit: number | null }>();
  for (const c of creds)
    if (c.quota) quotas.set(`${c.appRef}|${c.quota.endpoint}`, { labels: quotaLabelsOf(c, c.quota), used: c.quota.used, limit: c.quota.limit });
  const r = foldOutOfScope(mergeSnapshots([snapshotRegistry(), ...peers.map((p) => p.registry)]), all ? null : vendors);
  // Read here too, not as the lines are made: an error is the answer's (a 500), never a text cut short.
  const mem = process.memoryUsage();
  const processes = [{ name: self, memory: { rss: mem.rss, heapUsed: mem.heapUsed } }, ...peers];
  const instanceId = getConfig().instanceId;
  return lines();

  function* lines(): Generator<string> {
    yield* family(
      "tickethub_credential_expiry_timestamp_seconds",
      "gauge",
      "When the current value of a credential expires (unix seconds; fetchedAt + expires_in on Ticket Hub's clock).",
    );
    for (const [i, c] of creds.entries())
      if (c.expiresAt) yield sampleWritten("tickethub_credential_expiry_timestamp_seconds", ids[i]!, Date.parse(c.expiresAt) / 1000);
    yield* family("tickethub_credential_next_refresh_timestamp_seconds", "gauge", "When the scheduler refreshes the credential next (unix seconds).");
    for (const [i, c] of creds.entries())
      if (c.nextRefreshAt) yield sampleWritten("tickethub_credential_next_refresh_timestamp_seconds", ids[i]!, Date.parse(c.nextRefreshAt) / 1000);
    yield* family("tickethub_credential_generation", "gauge", "How many values the credential has had.");
    for (const [i, c] of creds.entries()) yield sampleWritten("tickethub_credential_generation", ids[i]!, c.generation);
    yield* family("tickethub_credential_consecutive_failures", "gauge", "Failed refreshes since the last good one.");
    for (const [i, c] of creds.entries()) yield sampleWritten("tickethub_credential_consecutive_failures", ids[i]!, c.consecutiveFailures);
    yield* family("tickethub_credential_status", "gauge", "1 for the credential's current status (pending, active, failing, expired).");
    for (const [i, c] of creds.entries()) yield sampleWritten("tickethub_credential_status", `${ids[i]!.slice(0, -1)},status="${esc(c.status)}"}`, 1);

    yield* family("tickethub_quota_used", "gauge", "Upstream calls counted today (vendor day, UTC+8) per app and endpoint.");
    for (const q of quotas.values()) yield sampleWritten("tickethub_quota_used", q.labels, q.used);
    yield* family("tickethub_quota_limit", "gauge", "The daily limit per app and endpoint, where the vendor publishes one or the app configures one.");
    for (const q of quotas.values()) if (q.limit !== null) yield sampleWritten("tickethub_quota_limit", q.labels, q.limit);

    yield* family("tickethub_refreshes_total", "counter", "Refreshes this instance made, by outcome and failure class.");
    for (const e of r.refreshes) yield sample("tickethub_refreshes_total", e.labels, e.value);
    yield* family("tickethub_upstream_calls_total", "counter", "Vendor calls this instance made, by endpoint and outcome (ok or the failure class).");
    for (const e of r.upstreamCalls) yield sample("tickethub_upstream_calls_total", e.labels, e.value);
    yield* family("tickethub_upstream_latency_seconds", "histogram", "Latency of vendor calls made by this instance.");
    for (const h of r.upstreamLatency) {
      for (const [i, b] of LATENCY_BUCKETS_SECONDS.entries())
        yield sample("tickethub_upstream_latency_seconds_bucket", { ...h.labels, le: String(b) }, h.buckets[i]!);
      yield sample("tickethub_upstream_latency_seconds_bucket", { ...h.labels, le: "+Inf" }, h.count);
      yield sample("tickethub_upstream_latency_seconds_sum", h.labels, h.sum);
      yield sample("tickethub_upstream_latency_seconds_count", h.labels, h.count);
    }
    yield* family("tickethub_lease_takeovers_total", "counter", "Refresh leases this instance took over from an instance that died holding them.");
    yield sample("tickethub_lease_takeovers_total", {}, r.leaseTakeovers[0]?.value ?? 0);
    yield* family("tickethub_alert_notifications_total", "counter", "Alert webhooks this instance sent, by kind, status (firing, resolved) and outcome.");
    for (const e of r.alertsSent) yield sample("tickethub_alert_notifications_total", e.labels, e.value);
    yield* family("tickethub_alerts_open", "gauge", "Open alert incidents by kind.");
    for (const kind of ALERT_KINDS) yield sample("tickethub_alerts_open", { kind }, openCount(kind));
    yield* family("process_resident_memory_bytes", "gauge", "Resident memory of this instance (all its processes: the read plane and the Next server).");
    yield sample(
      "process_resident_memory_bytes",
      {},
      processes.reduce((n, p) => n + p.memory.rss, 0),
    );
    yield* family("nodejs_heap_used_bytes", "gauge", "V8 heap in use (all of this instance's processes).");
    yield sample(
      "nodejs_heap_used_bytes",
      {},
      processes.reduce((n, p) => n + p.memory.heapUsed, 0),
    );
    yield* family("tickethub_process_resident_memory_bytes", "gauge", "Resident memory of each of this instance's processes (read-plane, next).");
    for (const p of processes) yield sample("tickethub_process_resident_memory_bytes", { process: p.name }, p.memory.rss);
    yield* family("tickethub_instance_info", "gauge", "This instance (always 1).");
    yield sample("tickethub_instance_info", { instance_id: instanceId }, 1);
  }
}

/** The whole text at once (tests; metricsBody streams it). */
export async function renderMetrics(scope: MetricsScope, self = "next", peers: readonly PeerProcess[] = []): Promise<string> {
  return `${[...(await metricLines(scope, self, peers))].join("\n")}\n`;
}

/** About how many characters a chunk of the streamed text holds: well under V8's large-object size (~128 KiB). */
const CHUNK_CHARS = 32_768;

/**
 * The lines as a response body, made a chunk at a time as the reader takes them. With 3,000 apps
 * the text is ~4 MB in ~35,000 lines: made at once, its lines lived long enough to be promoted to
 * the old generation, and the text and its two encoded copies went to the large-object space,
 * which only a full collection frees: the read plane's heap grew by ~15 MiB a scrape until V8 ran
 * one (to ~130 MiB, its RSS with it: bench/scale.ts, which then scraped every ~5 s). Chunked, each
 * chunk's lines are young garbage collected by the next scavenge.
 */
export function metricsBody(lines: Iterable<string>): ReadableStream<Uint8Array> {
  const it = lines[Symbol.iterator]();
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      // A chunk a turn of the event loop: a reader that takes every chunk at once (a socket whose
      // writes complete at once) would otherwise have the whole text made in one stretch of
      // microtasks. With 3,000 apps the read plane's event loop stalled 100-270 ms at every scrape
      // (bench/scale.ts, a scrape every 15 s); with this and the states' 5-minute sweep
      // (server/metrics/states.ts), no stall of the read plane went over 70 ms in a run.
      await new Promise((resolve) => setImmediate(resolve));
      let chunk = "";
      for (let next = it.next(); ; next = it.next()) {
        if (next.done) {
          if (chunk) controller.enqueue(encoder.encode(chunk));
          controller.close();
          return;
        }
        chunk += `${next.value}\n`;
        if (chunk.length >= CHUNK_CHARS) {
          controller.enqueue(encoder.encode(chunk));
          return;
        }
      }
    },
    cancel() {
      it.return?.();
    },
  });
}
