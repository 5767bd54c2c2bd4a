import "server-only";
import { processSingleton } from "../process-state";

/**
 * Per-process counters and histograms for /api/metrics (Prometheus scrapes every instance; sums
 * across instances give the cluster's totals). Process-wide (process-state.ts) so that every copy of this
 * module in the process (Next's bundle, the custom server) counts into the same registry.
 */
type Labels = Record<string, string>;
type Counter = Map<string, { labels: Labels; value: number }>;
type Histogram = Map<string, { labels: Labels; buckets: number[]; sum: number; count: number }>;

export const LATENCY_BUCKETS_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

type Registry = {
  refreshes: Counter;
  upstreamCalls: Counter;
  upstreamLatency: Histogram;
  leaseTakeovers: Counter;
  alertsSent: Counter;
};

function registry(): Registry {
  return processSingleton<Registry>("tickethubMetrics", () => ({
    refreshes: new Map(),
    upstreamCalls: new Map(),
    upstreamLatency: new Map(),
    leaseTakeovers: new Map(),
    alertsSent: new Map(),
  }));
}

const keyOf = (labels: Labels) => JSON.stringify(Object.entries(labels).sort());

function inc(c: Counter, labels: Labels, by = 1) {
  const k = keyOf(labels);
  const e = c.get(k);
  if (e) e.value += by;
  else c.set(k, { labels, value: by });
}

export function countRefresh(labels: { vendor: string; kind: string; outcome: "success" | "failure"; class: string }) {
  inc(registry().refreshes, labels);
}

export function countUpstreamCall(labels: { vendor: string; endpoint: string; status: string }, latencySeconds: number) {
  const r = registry();
  inc(r.upstreamCalls, labels);
  const hl = { vendor: labels.vendor, endpoint: labels.endpoint };
  const k = keyOf(hl);
  let h = r.upstreamLatency.get(k);
  if (!h) r.upstreamLatency.set(k, (h = { labels: hl, buckets: LATENCY_BUCKETS_SECONDS.map(() => 0), sum: 0, count: 0 }));
  LATENCY_BUCKETS_SECONDS.forEach((b, i) => {
    if (latencySeconds <= b) h.buckets[i]! += 1;
  });
  h.sum += latencySeconds;
  h.count += 1;
}

export function countLeaseTakeover() {
  inc(registry().leaseTakeovers, {});
}

export function countAlertSent(labels: { kind: string; status: string; outcome: string }) {
  inc(registry().alertsSent, labels);
}

export function snapshotRegistry() {
  const r = registry();
  return {
    refreshes: [...r.refreshes.values()],
    upstreamCalls: [...r.upstreamCalls.values()],
    upstreamLatency: [...r.upstreamLatency.values()],
    leaseTakeovers: [...r.leaseTakeovers.values()],
    alertsSent: [...r.alertsSent.values()],
  };
}

export type RegistrySnapshot = ReturnType<typeof snapshotRegistry>;

/** Several processes' registries as one (an instance's read plane and its Next server): same labels add up. */
export function mergeSnapshots(list: readonly RegistrySnapshot[]): RegistrySnapshot {
  const counters = (pick: (s: RegistrySnapshot) => RegistrySnapshot["refreshes"]) => {
    const out = new Map<string, { labels: Labels; value: number }>();
    for (const s of list)
      for (const e of pick(s)) {
        const k = keyOf(e.labels);
        const have = out.get(k);
        if (have) have.value += e.value;
        else out.set(k, { labels: e.labels, value: e.value });
      }
    return [...out.values()];
  };
  const latency = new Map<string, RegistrySnapshot["upstreamLatency"][number]>();
  for (const s of list)
    for (const h of s.upstreamLatency) {
      const k = keyOf(h.labels);
      const have = latency.get(k);
      if (!have) latency.set(k, { labels: h.labels, buckets: [...h.buckets], sum: h.sum, count: h.count });
      else {
        h.buckets.forEach((b, i) => (have.buckets[i]! += b));
        have.sum += h.sum;
        have.count += h.count;
      }
    }
  return {
    refreshes: counters((s) => s.refreshes),
    upstreamCalls: counters((s) => s.upstreamCalls),
    upstreamLatency: [...latency.values()],
    leaseTakeovers: counters((s) => s.leaseTakeovers),
    alertsSent: counters((s) => s.alertsSent),
  };
}
