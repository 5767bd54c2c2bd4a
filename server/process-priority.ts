// The Next server behind a read plane can run at a lower CPU priority than it (TICKETHUB_NEXT_NICE;
// off by default, see below). The read plane answers the services
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
// Measured (same machine, runs alternated): consumer reads at a fixed 1,000/s while a dashboard
// user loads `/` five times a second, p99 over 40,000 reads 3.98 ms at 5 steps, 8.51 ms at 0 (each
// of the 4 rounds lower at 5). But the Next server also runs the scheduler, and with 3,000 apps at
// 12× (bench/scale.ts, 30 simulated minutes, two runs each) its latest planned refresh started
// 2.1 and 2.2 s (simulated) late at 5 steps (9 and 9 later than 1 s), 1.4 and 1.3 s at 0 (3 and 5):
// the sandbox and the other processes of default priority take its core first. On time refreshes
// come first, so the default is 0, and a host whose services' tail latency matters more than that
// (a dashboard in heavy use beside heavy reads) can set it.
import { readdirSync } from "node:fs";
import os from "node:os";

/**
 * How much lower the Next server's priority is than the read plane's, in nice steps (nice runs from
 * -20, the highest, to 19), unless TICKETHUB_NEXT_NICE says otherwise: by default, none.
 */
export const DEFAULT_NEXT_SERVER_NICE = 0;

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
