/**
 * A rolling sweep: every id of a list is visited once a period, a few at each step, spread evenly
 * over the period, instead of all of them at once when the period ends. The read cache reads its
 * apps again this way (server/fast/read-cache.ts), and /api/metrics its credentials' states
 * (server/metrics/states.ts): with 3,000 apps each full read was a burst of CPU on a 2-core host
 * (0.4-4 s) that the scheduler's timers waited behind.
 */
export type Sweep = { ids: string[]; next: number; startedAt: number };

/** A round over `ids` starting at `at` (ms). */
export function newRound(ids: string[], at: number): Sweep {
  return { ids, next: 0, startedAt: at };
}

/**
 * The ids whose turn has come at `at` (ms, in order, spread evenly over a round of `everyMs`), and
 * the sweep after them: at most `maxPerStep` at one step (after a quiet spell the sweep catches up
 * over several steps, not in one burst). A round that is done starts again `everyMs` after it
 * began, over the ids `current()` gives then; a step that comes later than that finds the new
 * round's share of the time since already due (at most a whole round). A new round that started
 * with nothing due at the step that began it left every id unread for two periods when the steps
 * came a period apart (a quiet dashboard renders its list every 30 s: kept-list.ts).
 */
export function sweepStep(
  s: Sweep,
  current: () => string[],
  at: number,
  everyMs: number,
  maxPerStep = Number.POSITIVE_INFINITY,
): { due: string[]; sweep: Sweep } {
  let round = s;
  if (round.next >= round.ids.length) {
    if (at - round.startedAt < everyMs) return { due: [], sweep: round };
    round = newRound(current(), Math.max(round.startedAt + everyMs, at - everyMs));
  }
  const dueBy = Math.floor((round.ids.length * (at - round.startedAt)) / Math.max(1, everyMs));
  const end = Math.min(round.ids.length, Math.max(round.next, dueBy), round.next + maxPerStep);
  return { due: round.ids.slice(round.next, end), sweep: { ...round, next: end } };
}
