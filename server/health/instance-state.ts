import "server-only";
import { processSingleton } from "../process-state";

/**
 * What /api/health (check-health.ts) says about parts of the instance it cannot ask directly.
 *
 * - History retention (tickets/scheduler.ts, hourly): its last failure. It runs in the Next server,
 *   and the read plane, which answers /api/health, learns it from the Next server's heartbeat.
 * - The Next server itself, behind a read plane (scripts/read-plane.ts): when it was last heard.
 *   A hung Next server (a stuck event loop, a stopped process) runs no scheduled refresh and
 *   answers no page, while the read plane keeps serving reads from its cache and would look healthy.
 */
export type RetentionFailure = {
  /** The first failed run since the last one that succeeded (ISO 8601). */
  since: string;
  /** The latest failed run. */
  lastFailedAt: string;
  reason: string;
};

/** The Next server says it is alive this often; `PEER_SILENT_MS` without a word counts as hung. */
export const PEER_HEARTBEAT_MS = 1_000;
export const PEER_SILENT_MS = 5_000;
/**
 * The read plane serves the dashboard's change stream (scripts/read-plane.ts) only while the Next
 * server answers: its pings tell the page that the server answers. Sooner than health's threshold,
 * so that the page turns stale about as fast as when the whole instance stops (freshness.ts).
 */
export const STREAM_PEER_SILENT_MS = 2_500;

type State = {
  retention: RetentionFailure | null;
  /** The watched process (null: none, e.g. a Next server without a read plane), and when it last spoke (performance.now()). */
  peer: { name: string; heardAt: number } | null;
};

const state = () => processSingleton<State>("tickethubInstanceState", () => ({ retention: null, peer: null }));

/** A retention run ended: without `err` it succeeded (and clears the failure), with it it failed. */
export function retentionRan(err?: unknown, at: Date = new Date()): void {
  const s = state();
  if (err === undefined) {
    s.retention = null;
    return;
  }
  const message = err instanceof Error ? err.message : String(err);
  s.retention = {
    since: s.retention?.since ?? at.toISOString(),
    lastFailedAt: at.toISOString(),
    reason: message.trim().split("\n").at(-1)!.trim().slice(0, 200),
  };
}

export function retentionFailure(): RetentionFailure | null {
  return state().retention;
}

/** Takes the retention state the Next server reported (its heartbeat), in the read plane. */
export function mirrorRetention(failure: RetentionFailure | null): void {
  state().retention = failure;
}

/** From now on this process watches `name` (the Next server): health counts its silence. */
export function watchPeer(name: string, nowMs: number = performance.now()): void {
  state().peer = { name, heardAt: nowMs };
}

export function peerHeard(nowMs: number = performance.now()): void {
  const peer = state().peer;
  if (peer) peer.heardAt = nowMs;
}

/** The watched process and how long it has been silent, when that is longer than `limitMs`; else null. */
export function silentPeer(nowMs: number = performance.now(), limitMs = PEER_SILENT_MS): { name: string; silentMs: number } | null {
  const peer = state().peer;
  if (!peer) return null;
  const silentMs = nowMs - peer.heardAt;
  return silentMs > limitMs ? { name: peer.name, silentMs } : null;
}
