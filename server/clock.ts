import "server-only";
import { getConfig } from "./config";

/**
 * The one place server code reads the time. In production it is the wall clock. Tests may set
 * TICKETHUB_TIME_SCALE (e.g. 3600: one simulated hour per real second) from a shared
 * TICKETHUB_TIME_EPOCH, so every instance and the sandbox agree on the simulated time while
 * the code paths stay the ones production runs.
 */
export function now(): Date {
  const { scale, epoch } = getConfig().time;
  if (scale === 1) return new Date();
  return new Date(epoch + (Date.now() - epoch) * scale);
}

/** Simulated milliseconds that pass during `realMs` of wall time. */
export function simulatedMs(realMs: number): number {
  return realMs * getConfig().time.scale;
}

/** Wall-clock milliseconds for a simulated duration (for timers). */
export function realMs(simulated: number): number {
  return simulated / getConfig().time.scale;
}
