import "server-only";
import { getConfig } from "./config";
import { processSingleton } from "./process-state";

/**
 * The one place server code reads the time: the database's clock, as this process estimates it.
 *
 * Instances on different hosts disagree about the time, sometimes by minutes. Everything the
 * lifecycle decides by time (a lease that lapsed, a refresh that is due, a value that expired) is
 * shared through the database, so every instance reads the time of the database: the host's
 * clock plus an offset measured against the database (NTP-style, at start and every 30 s, see
 * syncClock). On one host with SQLite the offset is ~0.
 *
 * Tests may set TICKETHUB_TIME_SCALE (e.g. 3600: one simulated hour per real second) from a shared
 * TICKETHUB_TIME_EPOCH, so every instance and the sandbox agree on the simulated time while the code
 * paths stay the ones production runs; and TICKETHUB_TEST_CLOCK_OFFSET_MS to make a host's clock wrong.
 */
// Process-wide (process-state.ts): the custom server's copy of this module and Next's bundled copy must agree.
const state = processSingleton("tickethubClock", () => ({ dbOffsetMs: 0, syncedAt: null as number | null, recent: [] as { rtt: number; offset: number }[] }));

/** This host's wall clock, as wrong as a test made it. */
function hostMs(): number {
  return Date.now() + getConfig().time.testOffsetMs;
}

/** The database's wall clock (real, not simulated), in ms. */
export function dbWallMs(): number {
  return hostMs() + state.dbOffsetMs;
}

export function now(): Date {
  return new Date(nowMs());
}

/** now().getTime() without allocating the Date (the consumer read's fast path): whole ms, as a Date holds them. */
export function nowMs(): number {
  const { scale, epoch } = getConfig().time;
  const wall = dbWallMs();
  return Math.trunc(scale === 1 ? wall : epoch + (wall - epoch) * scale);
}

/** Simulated milliseconds that pass during `realMs` of wall time. */
export function simulatedMs(realMs: number): number {
  return realMs * getConfig().time.scale;
}

/** Wall-clock milliseconds for a simulated duration (for timers). */
export function realMs(simulated: number): number {
  return simulated / getConfig().time.scale;
}

/** How far this host's clock is from the database's (ms), and when that was last measured. */
export function clockState(): { dbOffsetMs: number; syncedAt: number | null } {
  return { dbOffsetMs: state.dbOffsetMs, syncedAt: state.syncedAt };
}

/** How many past measurements the offset is chosen from (one per sync, every 30 s: the last 4 minutes). */
const KEEP_SAMPLES = 8;

/**
 * Measures the database's clock against this host's, NTP-style: of a few round trips, the one that
 * took least time is used, and the midpoint of it is taken as the moment the database read its
 * clock (the error is at most half that round trip). A busy machine makes some round trips slow and
 * lopsided, so the offset comes from the fastest round trip of the last few syncs, not the latest
 * one; round trips over 1 s say little and are ignored.
 */
export async function syncClock(readDbMs: () => Promise<number>, samples = 5): Promise<void> {
  let best: { rtt: number; offset: number } | null = null;
  for (let i = 0; i < samples; i++) {
    const t0 = hostMs();
    const db = await readDbMs();
    const t1 = hostMs();
    if (!Number.isFinite(db) || t1 - t0 > 1_000) continue;
    if (!best || t1 - t0 < best.rtt) best = { rtt: t1 - t0, offset: db - (t0 + t1) / 2 };
  }
  if (!best) return;
  state.recent = [...state.recent, best].slice(-KEEP_SAMPLES);
  state.dbOffsetMs = state.recent.reduce((a, b) => (b.rtt < a.rtt ? b : a)).offset;
  state.syncedAt = hostMs();
}
