import "server-only";
import { now, realMs } from "../clock";
import { getDb } from "../db";
import { refreshCredential } from "./refresh-credential";

/** One tick a second, or faster under a test time scale (every simulated minute, at least 20 ms). */
function tickMs(): number {
  return Math.max(20, Math.min(1_000, realMs(60_000)));
}

const state = globalThis as unknown as { tickethubScheduler?: NodeJS.Timeout };

/**
 * Runs in every instance: each tick refreshes the credentials whose next refresh is due.
 * Instances never fetch the same credential twice, because every refresh takes the lease;
 * state lives in the database, so a restart picks up where the last process left off.
 */
export function startScheduler(): void {
  if (state.tickethubScheduler) return;
  let busy = false;
  state.tickethubScheduler = setInterval(() => {
    if (busy) return;
    busy = true;
    tick()
      .catch((err) => console.error(`[scheduler] ${err instanceof Error ? err.message : String(err)}`))
      .finally(() => {
        busy = false;
      });
  }, tickMs());
  state.tickethubScheduler.unref();
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
  const tokens = due.filter((c) => c.kind === "access_token");
  const tickets = due.filter((c) => c.kind !== "access_token");
  await Promise.all(tokens.map((c) => refreshCredential({ credentialId: c.id, reason: "scheduled", need: { type: "due" } })));
  await Promise.all(tickets.map((c) => refreshCredential({ credentialId: c.id, reason: "scheduled", need: { type: "due" } })));
}
