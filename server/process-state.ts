import "server-only";

/**
 * The one home of process-wide singletons.
 *
 * Two copies of the server modules live in one process: the custom server's (scripts/serve.ts,
 * loaded by tsx) and the one Next bundles into its route handlers and instrumentation. A
 * module-level `let` or `new Map()` would exist once per copy — two database pools, two metric
 * registries that each count half, a read cache one copy drops while the other keeps serving it.
 * State that must be one per process therefore lives on globalThis, under one of the names below
 * (also kept across hot reloads in development).
 */
type ProcessSingletons = {
  /** db.ts: one PrismaClient (and so one connection pool). */
  tickethubDb: unknown;
  /** clock.ts: the measured offset to the database's clock. */
  tickethubClock: unknown;
  /** clock-sync.ts: the first measurement, which later callers wait for. */
  tickethubClockSync: unknown;
  /** auth/password.ts: the gate every scrypt call goes through (still reads globalThis itself; same name). */
  tickethubHashGate: unknown;
  /** metrics/registry.ts: the counters /api/metrics renders. */
  tickethubMetrics: unknown;
  /** metrics/states.ts: the credentials' states the last scrape read, kept for the next. */
  tickethubMetricStates: unknown;
  /** fast/cache-store.ts: the read cache's snapshot, and the per-request note of reads served from memory. */
  tickethubReadCache: unknown;
  tickethubStaleReads: unknown;
  /** events.ts: who is told when stored credentials change (the read cache). */
  tickethubCredentialListeners: unknown;
  /** events.ts: who is told the hash of an API key revoked in this process (the read cache's outage memory). */
  tickethubKeyRevokedListeners: unknown;
  /** events.ts: who is told each stamp the read cache reads (server/live). */
  tickethubStampListeners: unknown;
  /** events.ts: the stamp the read cache read last, and when (a watch starting in server/live begins with it). */
  tickethubLastStamp: unknown;
  /** events.ts: who is told when a refresh failed (the alert evaluator). */
  tickethubRefreshFailedListeners: unknown;
  /** live/changes.ts: the change stamps the dashboard's stream and ETags are keyed by. */
  tickethubLive: unknown;
  /** live/event-stream.ts: the one heartbeat that pings every open change stream. */
  tickethubStreamHeartbeat: unknown;
  /** live/list-cache.ts: the last rendered credential list and its validity. */
  tickethubListCache: unknown;
  /** live/kept-list.ts: the credential list's views as last read, for the next render to read only what changed. */
  tickethubKeptList: unknown;
  /** live/session-memo.ts: sessions the database recently confirmed, for answers that carry no data. */
  tickethubSessionMemo: unknown;
  /** live/topic-memo.ts: answers kept while the change stamps of what they show stand (the alert list). */
  tickethubTopicMemo: unknown;
  /** events.ts: who is told when alerts change in this process (the topic memo). */
  tickethubAlertListeners: unknown;
  /** events.ts: who is told when NONCE tickets are issued or marked used in this process (the topic memo). */
  tickethubNonceListeners: unknown;
  /** events.ts: who is told when clear_quota is recorded in this process (the alert evaluator). */
  tickethubQuotaClearedListeners: unknown;
  /** tickets/scheduler.ts: the one ticking scheduler and its lease watches. */
  tickethubScheduler: unknown;
  /** tickets/refresh-credential.ts: the refreshes running in this process (one flight per credential). */
  tickethubRefreshes: unknown;
  /** health/instance-state.ts: history retention's last failure, and when the instance's other process was last heard. */
  tickethubInstanceState: unknown;
};
export type ProcessSingletonName = keyof ProcessSingletons;

const slots = globalThis as unknown as Partial<Record<ProcessSingletonName, unknown>>;

/** The process's one `name`, created by `create` the first time any copy of any module asks. */
export function processSingleton<T>(name: ProcessSingletonName, create: () => T): T {
  return (slots[name] ??= create()) as T;
}
