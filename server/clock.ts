import "server-only";

/** The one place server code reads the time, so tests and a future time-scale can steer it. */
export function now(): Date {
  return new Date();
}
