// The Next server behind a read plane runs at a lower CPU priority than it. The read plane answers the services
// (consumer reads, the proxy, health) and holds each request for a fraction of a millisecond; the
// Next server renders pages and runs the scheduler's refreshes, work measured in tens of
// milliseconds whose timing nobody waits on to the millisecond. On a small host the two share the
// cores, and a refresh's burst in the Next server that takes the core a consumer read is waiting
// for shows up in the services' tail latency: with the demo apps at a fixed 1,000 reads/s
// (bench/consumer-read.ts), a 10 s run in which the Next server refreshed a few demo values
// (2.8 % of a core) had a p99 of 2.1 ms, the next two (0.3-0.5 %) 0.8 and 1.3 ms.
// Five nice steps are a weight of 335 against 1,024: when both want one core the kernel gives the
// Next server about a third of the read plane's share and picks a waking read plane sooner. It is
// not a strict priority (the Next server is never starved), and it ranks the Next server below
// every other process of default priority on the host too (a database on the same machine).
import { readdirSync } from "node:fs";
import os from "node:os";

/**
 * How much lower the Next server's priority is than the read plane's, in nice steps (nice runs from
 * -20, the highest, to 19), unless TICKETHUB_NEXT_NICE says otherwise (0: as an equal).
 */
export const DEFAULT_NEXT_SERVER_NICE = 5;

/**
 * Lowers this process's CPU priority by `by` nice steps, on every thread it has: on Linux a nice
 * value belongs to a thread, and V8's and libuv's threads started before this call keep theirs
 * (threads started later take the creating thread's). Lowering one's own priority needs no
 * privilege; a host that refuses it (or has no such notion) leaves the process as it was.
 * Returns the threads changed.
 */
export function lowerPriority(by: number): number {
  let threads: number[];
  try {
    threads = readdirSync("/proc/self/task").map(Number);
  } catch {
    threads = [0]; // no /proc: this thread (on macOS the whole process; on Windows a priority class, unchanged by 5)
  }
  let changed = 0;
  for (const thread of threads) {
    try {
      os.setPriority(thread, Math.min(19, os.getPriority(thread) + by));
      changed++;
    } catch {
      // a thread that ended meanwhile, or a host that refuses: nothing to undo
    }
  }
  return changed;
}
