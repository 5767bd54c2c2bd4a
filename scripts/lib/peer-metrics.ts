import { snapshotRegistry } from "../../server/metrics/registry";
import type { PeerProcess } from "../../server/metrics/render";

/** This process's counters and memory, for the other process of the instance to render in /api/metrics. */
export function renderMetricsPeer(name: string): PeerProcess {
  const mem = process.memoryUsage();
  return { name, registry: snapshotRegistry(), memory: { rss: mem.rss, heapUsed: mem.heapUsed } };
}
