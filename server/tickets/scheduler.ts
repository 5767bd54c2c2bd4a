import "server-only";
import { now } from "../clock";
import { getDb } from "../db";
import { refreshCredential } from "./refresh-credential";

const TICK_MS = 1_000;

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
  }, TICK_MS);
  state.tickethubScheduler.unref();
}

export async function tick(): Promise<void> {
  const due = await getDb().credential.findMany({
    where: { app: { enabled: true }, nextRefreshAt: { lte: now() } },
    select: { id: true },
  });
  await Promise.all(due.map((c) => refreshCredential({ credentialId: c.id, reason: "scheduled" })));
}
