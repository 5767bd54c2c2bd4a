import "server-only";
import { now, realMs } from "../clock";
import { getDb } from "../db";
import { processSingleton } from "../process-state";
import { pruneHistory } from "./history";
import { refreshCredential } from "./refresh-credential";

/**
 * Twice a second (a crashed holder's lease is taken over within half a second of expiring), or
 * under a test time scale every simulated minute, at least every 20 ms.
 */
function tickMs(): number {
  return Math.max(20, Math.min(500, realMs(60_000)));
}

// Process-wide (process-state.ts): one scheduler ticks per process, whichever copy of this module starts it.
const state = processSingleton("tickethubScheduler", () => ({
  timer: undefined as NodeJS.Timeout | undefined,
  leaseWatch: new Map<string, NodeJS.Timeout>(),
  lastPrune: undefined as number | undefined,
}));

/** History older than the retention setting goes once an hour (simulated time under a test scale). */
const PRUNE_EVERY_MS = 3_600_000;

/**
 * Runs in every instance: each tick refreshes the credentials whose next refresh is due.
 * Instances never fetch the same credential twice, because every refresh takes the lease;
 * state lives in the database, so a restart picks up where the last process left off.
 */
export function startScheduler(): void {
  if (state.timer) return;
  let busy = false;
  state.timer = setInterval(() => {
    if (busy) return;
    busy = true;
    tick()
      .catch((err) => logOnce(`[scheduler] ${err instanceof Error ? err.message.split("\n")[0] : String(err)}`))
      .finally(() => {
        busy = false;
      });
  }, tickMs());
  state.timer.unref();
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

export async function tick(): Promise<void> {
  const at = now();
  // Credentials another instance is refreshing right now are left to it.
  const due = await getDb().credential.findMany({
    where: {
      app: { enabled: true },
      nextRefreshAt: { lte: at },
      OR: [{ lease: { is: null } }, { lease: { expiresAt: { lt: at } } }],
    },
    select: { id: true, kind: true },
  });
  // Tokens first: a ticket due at the same time then finds a fresh token instead of renewing it.
  if (state.lastPrune === undefined || at.getTime() - state.lastPrune >= PRUNE_EVERY_MS) {
    state.lastPrune = at.getTime();
    pruneHistory(getDb(), at)
      .then((n) => {
        if (n.versions + n.calls + n.audit > 0) console.log(`[retention] deleted ${n.versions} versions, ${n.calls} upstream calls, ${n.audit} audit events`);
      })
      .catch((err) => console.error(`[retention] ${err instanceof Error ? err.message : String(err)}`));
  }
  watchHeldLeases(at).catch((err) => logOnce(`[scheduler] ${err instanceof Error ? err.message.split("\n")[0] : String(err)}`));
  const tokens = due.filter((c) => c.kind === "access_token");
  const tickets = due.filter((c) => c.kind !== "access_token");
  await Promise.all(tokens.map((c) => refreshCredential({ credentialId: c.id, reason: "scheduled", need: { type: "due" } })));
  await Promise.all(tickets.map((c) => refreshCredential({ credentialId: c.id, reason: "scheduled", need: { type: "due" } })));
}

/**
 * A due credential whose lease another instance holds gets a timer for the moment that lease
 * lapses: if its holder has crashed, this instance takes over then, not at its next tick.
 */
async function watchHeldLeases(at: Date): Promise<void> {
  const watch = state.leaseWatch;
  const held = await getDb().refreshLease.findMany({
    where: { expiresAt: { gte: at }, credential: { nextRefreshAt: { lte: at }, app: { enabled: true } } },
    select: { credentialId: true, expiresAt: true },
  });
  for (const lease of held) {
    if (watch.has(lease.credentialId)) continue;
    const delay = realMs(lease.expiresAt.getTime() - at.getTime()) + 5;
    const timer = setTimeout(() => {
      watch.delete(lease.credentialId);
      refreshCredential({ credentialId: lease.credentialId, reason: "scheduled", need: { type: "due" } }).catch((err) =>
        console.error(`[scheduler] ${err instanceof Error ? err.message : String(err)}`),
      );
    }, delay);
    timer.unref();
    watch.set(lease.credentialId, timer);
  }
}
