import "server-only";
import { now, realMs } from "../clock";
import { getConfig } from "../config";
import { getDb } from "../db";
import { onCredentialsChanged } from "../events";
import { processSingleton } from "../process-state";
import { pruneHistory } from "./history";
import { refreshCredential } from "./refresh-credential";

/**
 * The longest the scheduler sleeps when nobody tells it about changes (no read cache runs in this
 * process): twice a second, or under a test time scale every simulated minute, at least every 20 ms.
 * Changes elsewhere (another instance, an admin moving a refresh earlier) are then seen that late.
 */
function pollMs(): number {
  return Math.max(20, Math.min(500, realMs(60_000)));
}

/** The longest it sleeps while the read cache wakes it on every change (a safety net only). */
const WATCHED_IDLE_MS = 10_000;

// Process-wide (process-state.ts): one scheduler runs per process, whichever copy of this module starts it.
const state = processSingleton("tickethubScheduler", () => ({
  started: false,
  timer: undefined as NodeJS.Timeout | undefined,
  leaseWatch: new Map<string, NodeJS.Timeout>(),
  lastPrune: undefined as number | undefined,
  /** Runs a pass now (or right after the one running); set once started. */
  wake: undefined as (() => void) | undefined,
  /** Whether something (the read cache) calls wakeScheduler whenever the database's change stamp moves. */
  watched: false,
  /** Credentials this process is refreshing on the scheduler's behalf. */
  inFlight: new Set<string>(),
  /** Due credentials waiting for a free slot (ids, in the order they start), and how many run now. */
  queue: [] as Due[],
  active: 0,
  /** When (wall clock) this process last started a scheduled refresh of each credential still due. */
  tried: new Map<string, number>(),
  /** Queries the scheduler made (for tests and the benchmark: nothing due, nothing asked). */
  queries: 0,
}));

/** History older than the retention setting goes once an hour (simulated time under a test scale). */
const PRUNE_EVERY_MS = 3_600_000;

/**
 * Runs in every instance, keyed by next-refresh time: a pass refreshes what is due, asks the
 * database (index on nextRefreshAt) for the earliest next refresh, and sleeps until then. Any change
 * to stored credentials wakes it early (this process's own writes, and through wakeScheduler the read
 * cache's stamp, which moves with every instance's writes): a refresh moved earlier is seen at once.
 * Instances never fetch the same credential twice, because every refresh takes the lease;
 * state lives in the database, so a restart picks up where the last process left off.
 */
export function startScheduler(): void {
  if (state.started) return;
  state.started = true;
  let running = false;
  let again = false;
  const run = async () => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    clearTimeout(state.timer);
    let delay = idleMs();
    try {
      let plannedAt = Number.POSITIVE_INFINITY;
      do {
        again = false;
        ({ delay, plannedAt } = await pass());
      } while (again);
      // Counted from now, not from the pass's start: its queries do not make the next refresh late.
      if (Number.isFinite(plannedAt)) delay = Math.min(delay, Math.max(1, Math.ceil(realMs(plannedAt - now().getTime()))));
    } catch (err) {
      logOnce(`[scheduler] ${err instanceof Error ? err.message.split("\n")[0] : String(err)}`);
      delay = pollMs();
    } finally {
      running = false;
    }
    clearTimeout(state.timer);
    state.timer = setTimeout(() => void run(), delay);
    state.timer.unref();
  };
  state.wake = () => void run();
  onCredentialsChanged(() => state.wake?.());
  void run();
}

/** The database's change stamp moved (read-cache.ts): a refresh may have been moved earlier. */
export function wakeScheduler(): void {
  state.watched = true;
  state.wake?.();
}

/** How many queries the scheduler has made in this process. */
export function schedulerQueries(): number {
  return state.queries;
}

function idleMs(): number {
  return state.watched ? WATCHED_IDLE_MS : pollMs();
}

/**
 * The same failure every half second (the database is down) is said once a minute, not 120 times:
 * the read cache and /api/health report the outage itself.
 */
const logged = new Map<string, number>();
function logOnce(message: string) {
  const at = Date.now();
  if ((logged.get(message) ?? 0) > at - 60_000) return;
  if (logged.size > 100) logged.clear();
  logged.set(message, at);
  console.error(message);
}

/**
 * One pass: starts the refreshes that are due (in the background) and says when the next one is
 * planned (server time) and how long to sleep at most otherwise (wall-clock ms). Two indexed queries, whatever the number of credentials.
 */
async function pass(): Promise<{ delay: number; plannedAt: number }> {
  const db = getDb();
  const at = now();
  state.queries += 2;
  const [due, next] = await Promise.all([
    db.credential.findMany({
      where: { app: { enabled: true }, nextRefreshAt: { lte: at } },
      select: { id: true, kind: true, generation: true, nextRefreshAt: true, lease: { select: { expiresAt: true } } },
    }),
    db.credential.findFirst({
      where: { app: { enabled: true }, nextRefreshAt: { gt: at } },
      orderBy: { nextRefreshAt: "asc" },
      select: { nextRefreshAt: true },
    }),
  ]);
  if (state.lastPrune === undefined || at.getTime() - state.lastPrune >= PRUNE_EVERY_MS) {
    state.lastPrune = at.getTime();
    pruneHistory(db, at)
      .then((n) => {
        if (n.versions + n.calls + n.audit > 0) console.log(`[retention] deleted ${n.versions} versions, ${n.calls} upstream calls, ${n.audit} audit events`);
      })
      .catch((err) => console.error(`[retention] ${err instanceof Error ? err.message : String(err)}`));
  }
  // Credentials another instance is refreshing right now are left to it, watched in case it died.
  const held = due.filter((c) => c.lease && c.lease.expiresAt >= at && !state.inFlight.has(c.id));
  watchHeldLeases(held as { id: string; lease: { expiresAt: Date } }[], at);
  const free = due.filter((c) => (!c.lease || c.lease.expiresAt < at) && !state.inFlight.has(c.id));
  // A refresh that left its credential due (it could not run) is tried again after a poll interval, not in a loop.
  const wall = Date.now();
  const ready = free.filter((c) => wall - (state.tried.get(c.id) ?? 0) >= pollMs());
  const dueIds = new Set(due.map((c) => c.id));
  for (const id of state.tried.keys()) if (!dueIds.has(id)) state.tried.delete(id);
  for (const c of ready) state.tried.set(c.id, wall);
  if (ready.length) refreshDue(ready);
  const plannedAt = next?.nextRefreshAt?.getTime() ?? Number.POSITIVE_INFINITY;
  const retry = ready.length < free.length ? pollMs() : Number.POSITIVE_INFINITY;
  return { delay: Math.max(1, Math.min(idleMs(), retry)), plannedAt };
}

/**
 * At most this many scheduled refreshes run at once in a process: thousands of credentials due
 * together (a first start, an import) would otherwise open thousands of vendor calls and database
 * queries at once (Prisma batches concurrent lookups into one query past the parameter limit).
 */
const MAX_PARALLEL = 16;

/**
 * Queues due credentials, earliest planned first and tokens before tickets (a ticket due at the same
 * time then finds a fresh token instead of renewing it), and starts them up to MAX_PARALLEL at once.
 */
type Due = { id: string; kind: string; generation: number; nextRefreshAt: Date | null };

function refreshDue(due: Due[]): void {
  const order = (c: { kind: string; nextRefreshAt: Date | null }) => [c.kind === "access_token" ? 0 : 1, c.nextRefreshAt?.getTime() ?? 0] as const;
  const sorted = [...due].sort((a, b) => {
    const [ka, ta] = order(a);
    const [kb, tb] = order(b);
    return ka - kb || ta - tb;
  });
  for (const c of sorted) {
    state.inFlight.add(c.id);
    state.queue.push(c);
  }
  pump();
}

function pump(): void {
  while (state.active < MAX_PARALLEL && state.queue.length) {
    const { id, generation, nextRefreshAt } = state.queue.shift()!;
    state.active++;
    if (getConfig().logRefreshes && generation > 0 && nextRefreshAt) {
      // How late a planned refresh starts (a value already held; a new app's first fetch is not planned).
      console.log(`[scheduler] planned refresh starts ${now().getTime() - nextRefreshAt.getTime()} ms (simulated) after its planned time`);
    }
    refreshCredential({ credentialId: id, reason: "scheduled", need: { type: "due" } })
      .catch((err) => logOnce(`[scheduler] ${err instanceof Error ? err.message.split("\n")[0] : String(err)}`))
      .finally(() => {
        state.active--;
        state.inFlight.delete(id);
        pump();
        // What these refreshes planned next (or a failure's retry) is asked for once the queue is done.
        if (state.active === 0 && state.queue.length === 0) state.wake?.();
      });
  }
}

/**
 * A due credential whose lease another instance holds gets a timer for the moment that lease
 * lapses: if its holder has crashed, this instance takes over then, not at its next pass. After the
 * attempt the scheduler looks again (a live holder renewed its lease: watched anew until it lapses).
 */
function watchHeldLeases(held: { id: string; lease: { expiresAt: Date } }[], at: Date): void {
  const watch = state.leaseWatch;
  for (const c of held) {
    if (watch.has(c.id)) continue;
    const delay = realMs(c.lease.expiresAt.getTime() - at.getTime()) + 5;
    const timer = setTimeout(() => {
      watch.delete(c.id);
      refreshCredential({ credentialId: c.id, reason: "scheduled", need: { type: "due" } })
        .catch((err) => console.error(`[scheduler] ${err instanceof Error ? err.message : String(err)}`))
        .finally(() => state.wake?.());
    }, delay);
    timer.unref();
    watch.set(c.id, timer);
  }
}
