import "server-only";
import { errorLine } from "../errors";
import { now, realMs, simulatedMs } from "../clock";
import { getConfig } from "../config";
import { getDb } from "../db";
import { type CredentialChange, onCredentialsChanged } from "../events";
import { processSingleton } from "../process-state";
import { retentionRan } from "../health/instance-state";
import { pruneHistory } from "./history";
import { refreshCredential, refreshing, refreshRunning } from "./refresh-credential";

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
  /**
   * A timer per credential planned inside the look-ahead (its planned time, server ms), or per
   * credential another instance holds the lease of (the moment that lease lapses, to take over).
   */
  armed: new Map<string, { at: number; timer: NodeJS.Timeout }>(),
  lastPrune: undefined as number | undefined,
  /** A retention run is under way (pruneHistory). */
  pruning: false,
  /** Runs a pass now (or right after the one running); set once started. */
  wake: undefined as (() => void) | undefined,
  /** Whether something (the read cache) calls wakeScheduler whenever the database's change stamp moves. */
  watched: false,
  /** Credentials this process is refreshing on the scheduler's behalf (queued or running). */
  inFlight: new Set<string>(),
  /** Refreshes whose time has come, waiting for a free slot (in the order they start), and how many run now. */
  queue: [] as Due[],
  active: 0,
  /** When (wall clock) this process last started a scheduled refresh of each credential still due. */
  tried: new Map<string, number>(),
  /** Queries the scheduler made (for tests and the benchmark: nothing due, nothing asked). */
  queries: 0,
  /** The first refresh planned after the last pass's look-ahead (server ms; infinite: none). */
  firstBeyond: Number.POSITIVE_INFINITY,
  /** Credentials found running here with a time still to come: a pass when each one's refresh ends (recheckAfterRefresh). */
  recheck: new Set<string>(),
  /** A scheduled refresh ended without saying what it planned next: a pass once the queue is done. */
  passAfterQueue: false,
  /** When the last pass began (performance.now(): a clock set back does not hold passes off), and the timer of a stamp's pass put off until STAMP_PASS_GAP_MS after it. */
  lastPassAt: 0,
  stampTimer: undefined as NodeJS.Timeout | undefined,
}));
// A state made by an older copy of this module (a development reload) lacks what came later.
state.recheck ??= new Set();

/**
 * The least time (wall clock) between a pass and one run for a move of the database's change stamp.
 * The stamp moves with every write of any instance, this one's own included: with 3,000 apps at
 * 12× the read cache saw it move ~16 times a second, and every move ran a pass (bench/scale.ts,
 * counted: 1,557 passes in 100 s, each from a stamp). This process's own writes wake the scheduler
 * themselves (onCredentialsChanged, below); a stamp only brings what others wrote, and the read
 * cache itself sees those once per poll interval (250 ms), so a pass per interval sees them as soon.
 */
const STAMP_PASS_GAP_MS = 250;

/** History older than the retention setting goes once an hour (simulated time under a test scale). */
const PRUNE_EVERY_MS = 3_600_000;

/**
 * Runs in every instance, keyed by next-refresh time: a pass reads the refreshes planned within a
 * short look-ahead (index on nextRefreshAt) and arms a timer for each, so each starts at its planned
 * time; it asks for the first one after that and sleeps until shortly before it. Any change
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
        // This pass sees every stamp moved before it: a stamp's pass put off until now is not needed.
        clearTimeout(state.stampTimer);
        state.stampTimer = undefined;
        state.lastPassAt = performance.now();
        ({ delay, plannedAt } = await pass());
      } while (again);
      // Counted from now, not from the pass's start: its queries do not make the next refresh late.
      if (Number.isFinite(plannedAt)) delay = Math.min(delay, Math.max(1, Math.ceil(realMs(plannedAt - now().getTime()))));
    } catch (err) {
      logOnce(`[scheduler] ${errorLine(err)}`);
      delay = pollMs();
    } finally {
      running = false;
    }
    clearTimeout(state.timer);
    state.timer = setTimeout(() => void run(), delay);
    state.timer.unref();
  };
  state.wake = () => void run();
  onCredentialsChanged((change) => {
    if (change && plannedBeyond(change)) return;
    // Told by a refresh still running here (a failure's retry, a few ms away at a fast time scale):
    // the pass this wakes finds it running, so one more once it has ended.
    if (change && (state.inFlight.has(change.credentialId) || refreshing(change.credentialId))) recheckAfterRefresh(change.credentialId);
    state.wake?.();
  });
  void run();
}

/**
 * Whether a refresh's outcome leaves the scheduler's plan as it is: its next refresh comes no
 * earlier than the first one the passes already know of beyond the look-ahead, so the passes that
 * are due anyway reach it in time. With a couple of refreshes a second, a pass after each one
 * (three queries over the whole look-ahead) was a good part of the database's work. A timer still
 * armed for the credential (someone else refreshed it meanwhile) goes: it is no longer due then.
 */
function plannedBeyond(change: CredentialChange): boolean {
  if (change.nextRefreshAt !== null && change.nextRefreshAt.getTime() < state.firstBeyond) return false;
  const armed = state.armed.get(change.credentialId);
  if (armed) clearTimeout(armed.timer);
  state.armed.delete(change.credentialId);
  return true;
}

/**
 * The database's change stamp moved (read-cache.ts): a refresh may have been moved earlier. A pass
 * runs now, or STAMP_PASS_GAP_MS after the last one began when that was more recent: the moves in
 * between are seen by that one pass.
 */
export function wakeScheduler(): void {
  state.watched = true;
  if (!state.wake || state.stampTimer) return;
  const wait = state.lastPassAt + STAMP_PASS_GAP_MS - performance.now();
  if (wait <= 0) {
    state.wake();
    return;
  }
  state.stampTimer = setTimeout(() => {
    state.stampTimer = undefined;
    state.wake?.();
  }, wait);
  state.stampTimer.unref();
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
 * How far ahead (wall-clock ms) a pass reads planned refreshes and arms a timer for each: a
 * refresh then starts on its timer at its planned time, not whenever a pass after that time finds
 * it (a pass's queries, a busy event loop and a queue of others due used to make it seconds late).
 */
const LOOK_AHEAD_REAL_MS = 2_000;

/** The look-ahead in server time (simulated under a test time scale). */
function lookAheadMs(): number {
  return simulatedMs(LOOK_AHEAD_REAL_MS);
}

/**
 * One pass: arms a timer for every refresh planned before the end of the look-ahead (at once for
 * what is due), and says when the first one after it is planned (server time) and how long to
 * sleep at most otherwise (wall-clock ms). Two indexed queries, whatever the number of credentials.
 */
async function pass(): Promise<{ delay: number; plannedAt: number }> {
  const db = getDb();
  const at = now();
  const horizon = new Date(at.getTime() + lookAheadMs());
  state.queries += 2;
  const [planned, next] = await Promise.all([
    db.credential.findMany({
      where: { app: { enabled: true }, nextRefreshAt: { lte: horizon } },
      select: { id: true, kind: true, generation: true, nextRefreshAt: true, lease: { select: { expiresAt: true } } },
    }),
    db.credential.findFirst({
      where: { app: { enabled: true }, nextRefreshAt: { gt: horizon } },
      orderBy: { nextRefreshAt: "asc" },
      select: { nextRefreshAt: true },
    }),
  ]);
  // One run at a time: with a backlog (the retention shortened, a long stop) a run takes many batches.
  if (!state.pruning && (state.lastPrune === undefined || at.getTime() - state.lastPrune >= PRUNE_EVERY_MS)) {
    state.lastPrune = at.getTime();
    state.pruning = true;
    pruneHistory(db, at)
      .then((n) => {
        retentionRan();
        if (n.versions + n.calls + n.audit + n.nonces > 0)
          console.log(`[retention] deleted ${n.versions} versions, ${n.calls} upstream calls, ${n.audit} audit events, ${n.nonces} NONCE tickets`);
      })
      .catch((err) => {
        // /api/health names it (check-health.ts): one log line an hour is easy to miss.
        retentionRan(err);
        console.error(`[retention] ${err instanceof Error ? err.message : String(err)}`);
      })
      .finally(() => {
        state.pruning = false;
      });
  }
  const wall = Date.now();
  const readAt = now().getTime();
  const seen = new Set<string>();
  let retry = Number.POSITIVE_INFINITY;
  // Timers due at the same moment fire in the order armed: tokens first (a ticket due with its token then finds it fresh).
  planned.sort((a, b) => (a.kind === "access_token" ? 0 : 1) - (b.kind === "access_token" ? 0 : 1) || a.nextRefreshAt!.getTime() - b.nextRefreshAt!.getTime());
  for (const c of planned) {
    seen.add(c.id);
    const plannedAt = c.nextRefreshAt!.getTime();
    // Queued or running here already (a scheduled refresh, a read, the cascade after a token):
    // nothing to start now. A time later than these reads is what it told it planned next (or its
    // plan from before it started): looked at again once it has ended.
    if (state.inFlight.has(c.id) || refreshing(c.id)) {
      if (plannedAt > readAt) recheckAfterRefresh(c.id);
      continue;
    }
    // Another instance is refreshing it right now: left to it, watched in case it died (taken over when its lease lapses).
    if (c.lease && c.lease.expiresAt >= at) {
      arm(c, c.lease.expiresAt.getTime() + 1, false);
      continue;
    }
    // A refresh that left its credential due (it could not run) is tried again after a poll interval, not in a loop.
    const triedAt = state.tried.get(c.id);
    if (plannedAt <= at.getTime() && triedAt !== undefined && wall - triedAt < pollMs()) {
      retry = Math.min(retry, triedAt + pollMs() - wall);
      continue;
    }
    arm(c, plannedAt, true);
  }
  // Planned later than the look-ahead now (refreshed elsewhere, rescheduled), or its app disabled: not ours to start.
  for (const [id, armed] of state.armed) {
    if (seen.has(id)) continue;
    clearTimeout(armed.timer);
    state.armed.delete(id);
  }
  for (const id of state.tried.keys()) if (!seen.has(id)) state.tried.delete(id);
  state.firstBeyond = next?.nextRefreshAt?.getTime() ?? Number.POSITIVE_INFINITY;
  // The next pass reads the first refresh after the look-ahead half a look-ahead before its time.
  const plannedAt = state.firstBeyond - lookAheadMs() / 2;
  return { delay: Math.max(1, Math.min(idleMs(), retry)), plannedAt };
}

/**
 * A timer that starts the scheduled refresh of `c` at `at` (server time; at once when that has
 * passed). Armed again only when the planned time moved. `planned`: a refresh planned at that time
 * (its lateness is logged), not a takeover of a lapsed lease.
 */
function arm(c: Due, atMs: number, planned: boolean): void {
  const armed = state.armed.get(c.id);
  if (armed?.at === atMs) return;
  if (armed) clearTimeout(armed.timer);
  const armedAt = now().getTime();
  const fire = () => {
    // Timers and the two clocks may disagree by a millisecond: never start before the planned time.
    const early = atMs - now().getTime();
    if (early > 0) {
      const timer = setTimeout(fire, Math.max(1, Math.ceil(realMs(early))));
      timer.unref();
      state.armed.set(c.id, { at: atMs, timer });
      return;
    }
    state.armed.delete(c.id);
    if (state.inFlight.has(c.id) || refreshing(c.id)) {
      recheckAfterRefresh(c.id);
      return;
    }
    start({ ...c, nextRefreshAt: planned ? new Date(atMs) : null, armedAt, firedAt: now().getTime() });
  };
  const timer = setTimeout(fire, Math.max(0, Math.ceil(realMs(atMs - now().getTime()))));
  timer.unref();
  state.armed.set(c.id, { at: atMs, timer });
}

/**
 * A pass or a timer found `id` running here with a time still to come: a pass once that refresh has
 * ended reads what it stored, its lease let go. A failure tells its retry (credentialsChanged) while
 * its refresh still runs, and the pass that wakes finds it running: skipped with nothing to look
 * again, the retry waited for the idle pass (10 s). A scheduled refresh's end is pump's to tell.
 */
function recheckAfterRefresh(id: string): void {
  // A timer armed for it before goes: the pass after its end arms what is still due.
  const armed = state.armed.get(id);
  if (armed) clearTimeout(armed.timer);
  state.armed.delete(id);
  if (state.recheck.has(id)) return;
  state.recheck.add(id);
  if (state.inFlight.has(id)) return;
  const again = () => {
    if (state.recheck.delete(id)) state.wake?.();
  };
  // A read's refresh (or a person's), which pump does not see end.
  const flight = refreshRunning(id);
  if (flight) flight.then(again, again);
  else again();
}

/**
 * At most this many scheduled refreshes run at once in a process: thousands of credentials due
 * together (a first start, an import) would otherwise open thousands of vendor calls and database
 * queries at once (Prisma batches concurrent lookups into one query past the parameter limit).
 * A refresh spends most of its time waiting for its vendor, so this is well above the cores.
 */
const MAX_PARALLEL = 64;

/**
 * Refreshes whose time has come start at once while fewer than MAX_PARALLEL run; beyond that they
 * queue, tokens before tickets (a ticket due at the same time then finds a fresh token instead of
 * renewing it), then earliest planned first.
 */
type Due = {
  id: string;
  kind: string;
  generation: number;
  nextRefreshAt: Date | null;
  /** When (server ms) its timer was armed, and when it fired: where a late start's time went (logged). */
  armedAt?: number;
  firedAt?: number;
};

function start(c: Due): void {
  state.inFlight.add(c.id);
  state.tried.set(c.id, Date.now());
  const order = (d: Due) => [d.kind === "access_token" ? 0 : 1, d.nextRefreshAt?.getTime() ?? 0] as const;
  const [k, t] = order(c);
  let i = state.queue.length;
  while (i > 0) {
    const [kq, tq] = order(state.queue[i - 1]!);
    if (kq < k || (kq === k && tq <= t)) break;
    i--;
  }
  state.queue.splice(i, 0, c);
  pump();
}

function pump(): void {
  while (state.active < MAX_PARALLEL && state.queue.length) {
    const { id, generation, nextRefreshAt, armedAt, firedAt } = state.queue.shift()!;
    state.active++;
    if (getConfig().logRefreshes && generation > 0 && nextRefreshAt) {
      // How late a planned refresh starts (a value already held; a new app's first fetch is not
      // planned), and where the time went: armed after its planned time (a pass found it late), its
      // timer fired late (a busy event loop), or it waited for a free slot; and when (wall clock, ms
      // since the epoch), for bench/scale.ts to match against pauses every process on the machine saw.
      const at = now().getTime();
      const plannedAt = nextRefreshAt.getTime();
      const parts =
        armedAt !== undefined && firedAt !== undefined
          ? ` (armed ${plannedAt - armedAt} ms before it, fired ${firedAt - Math.max(plannedAt, armedAt)} ms late, queued ${at - firedAt} ms)`
          : "";
      console.log(`[scheduler] planned refresh starts ${at - plannedAt} ms (simulated) after its planned time${parts}; wall clock ${Date.now()}`);
    }
    refreshCredential({ credentialId: id, reason: "scheduled", need: { type: "due" } })
      // One that ran told what it planned next (credentialsChanged), or was paused until the quota's
      // reset; one that joined another or found nothing to do did not, and may have left its credential due.
      .then((r) => {
        if (r.joined) state.passAfterQueue = true;
      })
      .catch((err) => {
        state.passAfterQueue = true;
        logOnce(`[scheduler] ${errorLine(err)}`);
      })
      .finally(() => {
        state.active--;
        state.inFlight.delete(id);
        if (state.recheck.delete(id)) state.wake?.();
        pump();
        if (state.active === 0 && state.queue.length === 0 && state.passAfterQueue) {
          state.passAfterQueue = false;
          state.wake?.();
        }
      });
  }
}
