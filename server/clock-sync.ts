import "server-only";
import { clockState, syncClock } from "./clock";
import { databaseNowMs } from "./db";
import { errorLine } from "./errors";
import { processSingleton } from "./process-state";

const SYNC_EVERY_MS = 30_000;

/**
 * Measures the database's clock now (before the scheduler decides anything by time) and every 30 s
 * after. A failed measurement keeps the last offset: the database being down is no reason to
 * believe the host's clock instead.
 */
export function startClockSync(): Promise<void> {
  // Once per process, whoever asks first (the custom server or Next's instrumentation); later callers wait for the first measurement.
  return processSingleton("tickethubClockSync", start);
}

async function start(): Promise<void> {
  const sync = () =>
    syncClock(() => databaseNowMs()).catch((err: unknown) => {
      if (clockState().syncedAt === null) console.warn(`[clock] cannot read the database's clock yet: ${errorLine(err)}`);
    });
  await sync();
  const offset = clockState().dbOffsetMs;
  if (Math.abs(offset) > 2_000)
    console.warn(
      `[clock] this host's clock is ${Math.round(offset / 1000)} s ${offset > 0 ? "behind" : "ahead of"} the database's; Ticket Hub uses the database's`,
    );
  setInterval(() => void sync(), SYNC_EVERY_MS).unref();
}
