import { constants, PerformanceObserver } from "node:perf_hooks";
import v8 from "node:v8";

/** When the read plane compacts its old generation (compactWhenFragmented). */
export interface CompactionPolicy {
  /** Free bytes inside the old generation's committed pages, at least, before compacting. */
  minFreeBytes: number;
  /** …and at least this share of the bytes in use there. */
  minFreeShare: number;
  /** At most one compaction in this many milliseconds. */
  minIntervalMs: number;
  /**
   * Full collections in a row that must find the pages fragmented: free space left by one is often
   * filled again before the next (what a read promotes to the old generation goes into it).
   */
  inARow: number;
}

/**
 * The read plane's policy. Through bench/scale.ts's 3,000-app hour its old generation holds
 * 31-50 MiB of live objects; without compaction its committed pages grew to 77 MiB (the free space
 * scattered over pages V8's own heuristics do not pick: outside its memory-reducing collections they
 * evacuate only pages mostly free, 70 % to start with, a few MiB a collection). One compaction
 * moves every live object: 90-170 ms of pause on a loaded machine, every consumer read in flight
 * waiting. With at most one a minute (12 MiB free and a quarter) the hour at 4× compacted 9 times,
 * each time from 52-61 MiB committed down to 31-37, and ended with the read plane at 173 MiB (149
 * with a compaction at every full collection): at most one every 30 s, from 8 MiB free, keeps the
 * pages nearer what is in use for twice the pauses.
 */
export const READ_PLANE_COMPACTION: CompactionPolicy = { minFreeBytes: 8 * 2 ** 20, minFreeShare: 0.25, minIntervalMs: 30_000, inARow: 2 };

/** The old generation's pages: what is committed and what live objects take of it. */
export interface OldSpace {
  committed: number;
  used: number;
}

export function oldSpace(): OldSpace {
  const s = v8.getHeapSpaceStatistics().find((x) => x.space_name === "old_space");
  return { committed: s?.space_size ?? 0, used: s?.space_used_size ?? 0 };
}

/** Whether free space in the committed pages (just after a full collection) is worth a compaction. */
export function fragmented(space: OldSpace, policy: CompactionPolicy): boolean {
  const free = space.committed - space.used;
  return free >= policy.minFreeBytes && free >= space.used * policy.minFreeShare;
}

/** Whether V8 compacts at each full collection from the next one that starts marking on. */
function compactEveryFullCollection(on: boolean): void {
  // V8 has no per-collection switch for it; it reads the flag when a collection starts marking, and
  // Node starts V8 with --no-freeze-flags-after-init, so flags stay writable after start.
  v8.setFlagsFromString(on ? "--compact-on-every-full-gc" : "--no-compact-on-every-full-gc");
}

const isMajor = (e: PerformanceEntry) => (e as { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR;

/** What compactWhenFragmented tells after it has asked for a compaction. */
export interface Compaction {
  /** The space when it asked, and half a second after the collection that answered. */
  before: OldSpace;
  after: OldSpace;
  /** That collection's pause (ms). */
  pauseMs: number;
  /** Whether it gave pages back (no: two collections came and the pages stayed as committed). */
  compacted: boolean;
}

/** A running compactWhenFragmented. */
export interface Compactor {
  /** Whether V8 is asked to compact at its next full collection (a forced one then would compact inside its pause). */
  asking(): boolean;
  stop(): void;
}

/**
 * After each full collection, checks the old generation's pages, and when the policy says they are
 * fragmented has V8 compact them at its next full collection: one of its own, marked concurrently
 * beside the program, whose pause is then mostly the moving (a forced `gc()` marks inside its pause
 * too: 180-200 ms with 3,000 apps on a loaded machine; the read plane holds its forced ones back
 * meanwhile, see `asking`). Instead of `--compact-on-every-full-gc`: with 3,000 apps the read plane
 * makes a full collection about every 12 s, and compacting at each one stalled consumer reads for
 * 100-180 ms each time (bench/scale.ts at 12×: p99.9 147 ms with it, 54 ms without; serve-args.ts).
 * It asks until a collection has given pages back, for two collections at most (one whose marking
 * had begun before it asked does not compact), then waits the policy's interval whatever came of
 * it. `onCompaction` hears each outcome.
 */
export function compactWhenFragmented(policy: CompactionPolicy, onCompaction?: (c: Compaction) => void): Compactor {
  let asked: OldSpace | null = null;
  let answers = 0;
  let last = -Infinity;
  let found = 0;
  let pause = 0;
  let stopped = false;
  const done = (before: OldSpace, compacted: boolean) => {
    compactEveryFullCollection(false);
    asked = null;
    found = 0;
    last = performance.now();
    const pauseMs = pause;
    // Right after a compaction the space's figures still leave out part of what was moved (in the
    // test's heap ~18 of the 30 MiB in use): the report reads them half a second later.
    if (onCompaction) setTimeout(() => onCompaction({ before, after: oldSpace(), pauseMs, compacted }), 500).unref();
  };
  const check = () => {
    if (stopped) return;
    const space = oldSpace();
    if (asked) {
      answers++;
      // Pages given back: the committed size fell by more than the noise of a collection's sweeping.
      if (space.committed <= asked.committed - policy.minFreeBytes / 2) done(asked, true);
      else if (answers >= 2) done(asked, false);
      return;
    }
    found = fragmented(space, policy) ? found + 1 : 0;
    if (found >= policy.inARow && performance.now() - last >= policy.minIntervalMs) {
      asked = space;
      answers = 0;
      compactEveryFullCollection(true);
    }
  };
  const observer = new PerformanceObserver((list) => {
    const major = list.getEntries().filter(isMajor).at(-1);
    if (!major) return;
    pause = major.duration;
    // Sweeping goes on beside the program after the pause; by the next turn of the loop the space's
    // figures count what survived it (after a compaction, see `done`).
    setImmediate(check);
  });
  observer.observe({ entryTypes: ["gc"] });
  return {
    asking: () => asked !== null,
    stop: () => {
      stopped = true;
      observer.disconnect();
      if (asked) compactEveryFullCollection(false);
      asked = null;
    },
  };
}
