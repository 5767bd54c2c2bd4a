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
 * 41-50 MiB of live objects; without compaction its committed pages grew to 77 MiB (the free space
 * scattered over pages V8's own heuristics do not pick: they evacuate only pages at least 70 % free,
 * 4 MiB a collection). One compaction of ~45 MiB pauses the process for 100-180 ms on a loaded
 * machine (every consumer read in flight waits), so it is worth doing only when a quarter or more
 * of the committed pages' space is free, and at most once a minute.
 */
export const READ_PLANE_COMPACTION: CompactionPolicy = { minFreeBytes: 12 * 2 ** 20, minFreeShare: 0.25, minIntervalMs: 60_000, inARow: 2 };

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
  // Node leaves flags writable after start (--no-freeze-flags-after-init is V8's default there).
  v8.setFlagsFromString(on ? "--compact-on-every-full-gc" : "--no-compact-on-every-full-gc");
}

const isMajor = (e: PerformanceEntry) => (e as { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR;

/**
 * After each full collection, checks the old generation's pages, and when the policy says they are
 * fragmented has V8 compact them at its next full collection: one of its own, marked concurrently
 * beside the program, whose pause is then the moving alone (a forced `gc()` marks inside its pause
 * too: 180-200 ms with 3,000 apps on a loaded machine). Instead of `--compact-on-every-full-gc`:
 * with 3,000 apps the read plane makes a full collection about every 12 s, and compacting at each
 * one stalled consumer reads for 100-180 ms each time (bench/scale.ts at 12×: p99.9 147 ms with it,
 * 54 ms without; serve-args.ts). It stays asked for until a collection has left the pages
 * unfragmented (one whose marking had begun before it was asked for does not compact them).
 * `onCompacted` hears the space before and after, and that collection's pause (ms). Returns a
 * function that stops it.
 */
export function compactWhenFragmented(policy: CompactionPolicy, onCompacted?: (before: OldSpace, after: OldSpace, pauseMs: number) => void): () => void {
  let asked: OldSpace | null = null;
  let last = -Infinity;
  let found = 0;
  const check = () => {
    const space = oldSpace();
    found = fragmented(space, policy) ? found + 1 : 0;
    if (asked) {
      if (fragmented(space, policy)) return;
      compactEveryFullCollection(false);
      // Right after a compaction the space's figures leave out pages V8 is still sweeping.
      const [before, ms] = [asked, pause];
      if (onCompacted) setTimeout(() => onCompacted(before, oldSpace(), ms), 500).unref();
      asked = null;
      last = performance.now();
    } else if (performance.now() - last >= policy.minIntervalMs && found >= policy.inARow) {
      asked = space;
      compactEveryFullCollection(true);
    }
  };
  let pause = 0;
  const observer = new PerformanceObserver((list) => {
    const major = list.getEntries().filter(isMajor).at(-1);
    if (!major) return;
    pause = major.duration;
    // Sweeping goes on beside the program after the pause; by the next turn of the loop the space's
    // figures count what survived.
    setImmediate(check);
  });
  observer.observe({ entryTypes: ["gc"] });
  return () => {
    observer.disconnect();
    if (asked) compactEveryFullCollection(false);
  };
}
