import path from "node:path";

/**
 * Where the read plane's bundle is written (under .next/, which `next build` recreates: build after
 * it; scripts/lib/read-plane-bundle.ts). Here, not there: the read plane imports this file, and
 * esbuild (imported there) would cost it memory for nothing.
 */
export function readPlaneBundle(root: string): string {
  return path.join(root, ".next", "read-plane", "read-plane.mjs");
}

/** Where the Next server's bundle is written, beside the read plane's. */
export function nextServerBundle(root: string): string {
  return path.join(root, ".next", "read-plane", "next-server.mjs");
}

/**
 * Node arguments that run one instance: its read plane (scripts/read-plane.ts, bundled by
 * ensureBuild), which starts the Next server behind it. Run with the working directory at `root`.
 * `--liftoff-only`: the database client's query compiler is WebAssembly; V8's baseline compiler
 * alone keeps ~35 MiB less of compiled code, and the read plane compiles few queries (it also
 * compiles them faster: a cache reload took ~5 ms instead of ~20 ms).
 * `--max-semi-space-size=8` (semi-spaces of 8 MiB): a read allocates only short-lived garbage, and
 * the young generation's size decides how often it is collected. Measured as the read plane's CPU
 * time per request against a bare Node server's (20 connections, loaded machine), by semi-space
 * size: 2 MiB 0.73–0.75× (a scavenge every few ms at full load), 4 MiB 0.79–0.82×, the default
 * 16 MiB 0.82–0.83× but ~25 MiB more RSS. 8 MiB fits in the memory the small query compiler saves
 * (scripts/lib/read-plane-bundle.ts).
 * `--no-parallel-scavenge`: those scavenges are short (a young generation of garbage), and V8
 * posts each to Node's worker pool as parallel jobs, whose waking and synchronising cost more than
 * they save there, and whose threads compete with the other processes on the host (the Next
 * server, the clients). Measured as consumer reads per second, fast path / bare Node
 * (bench/consumer-read.ts), 7 runs each, alternated: with the jobs 0.77–0.90× (mean 0.82), without
 * 0.82–0.98× (mean 0.91); read-plane RSS the same (with the demo apps, and after bench/scale.ts's
 * 3,000-app hour: 256 and 252 MiB back to back). Single runs still swing with the machine (0.74× in
 * one `npm run bench` with the flag). The Next server keeps them: one bench/scale.ts run there
 * without them showed no gain for the scheduler's timers (within the run-to-run spread).
 * `--heap-growing-percent=50`: after each full collection V8 lets the old generation grow to 1.5×
 * what survived it before the next, instead of up to 4× when collecting is cheap against the work
 * (its dynamic factor). The read plane's live data is small (~35 MiB with 3,000 apps) but its
 * database reads promote ~2 MiB/s to the old generation under load (a sampling heap profile of
 * what outlived the young generation over 50 s: 110 MiB, two thirds of it the database client's
 * objects of queries in flight), and with the dynamic factor the
 * heap grew to ~130 MiB between collections, its RSS with it, the figure at any moment depending on
 * where in that cycle it fell. bench/scale.ts (20 simulated minutes, a 5 s memory log): RSS
 * 145–265 MiB without, 144–170 MiB with, a full collection every ~10 s (concurrent marking; CPU
 * within the runs' spread).
 * `--compact-on-every-full-gc`: each full collection also moves the survivors of fragmented pages
 * together and gives the emptied pages back. Without it the old generation's committed pages kept
 * growing under load while what lived in them did not: through bench/scale.ts's 3,000-app hour
 * (a 10 s log of v8.getHeapSpaceStatistics) the read plane's old space went from 34 to 77 MiB
 * committed with 41-50 MiB in use, its RSS from 132 to 193 MiB; with the flag it stayed within
 * 42-56 MiB committed (as much in use), RSS 151-160 MiB in its last samples (170 MiB at the end of
 * bench/scale.ts's own run, against 185-194 MiB without), its CPU about the same (22-24 % of a core).
 * What it costs: each compaction moves every live object, a pause of 90-180 ms on a loaded machine
 * with every consumer read in flight waiting (bench/scale.ts at 12×, a full collection every ~12 s:
 * consumer reads p99.9 147 ms, 110 of ~27,000 over 100 ms; without the flag 54 ms and none). Tried
 * on 2026-12-07 (bbba801-3562e14, in git history): compacting only when two full collections in a
 * row found a quarter of the pages free (the flag set with v8.setFlagsFromString for one of V8's own
 * collections), at most every 30 or 60 s. At 12× p99.9 66-82 ms, 10-20 reads over 100 ms; but the
 * pages refill with what the reads promote within a minute (31-37 MiB committed after a compaction,
 * 50-61 MiB before the next), and at 4×, the hour of record, the read plane ended at 166-173 MiB
 * and the whole instance at 447 MiB both times (peak 448-450; goal 450), where with the flag it
 * ended at 421 MiB (read plane 152) and its consumer reads were no slower there: p99.9 45 ms, 46
 * of ~165,000 over 100 ms (the policy's runs: 41-45 ms, 20-55). Not kept: at the hour of record it
 * bought nothing, and the memory goal would have been met by chance. What the reads promote is the
 * thing to cut (a sampling heap profile of what outlived the young generation over 90 s at 4×:
 * 81 MiB, half of it the database client's query path, e.g. 17 MiB rendering query templates).
 * The Next server does not take it: its full collections come far more often (semi-spaces of
 * 1 MiB, 1.3× growth), and compacting at each took it from 61 to 73 % of a core and made 430
 * planned refreshes start more than 1 s (simulated) late instead of 3.
 * `--expose-gc`: the read plane collects after a scrape of /api/metrics that read every credential
 * and after each full load of its cache (scripts/read-plane.ts).
 * `--optimize-for-size` would bound the heap too, but it also shrinks the semi-spaces to 1 MiB (the
 * trade measured for `--max-semi-space-size` above).
 */
export function serveArgs(root: string, port: number): string[] {
  return [
    "--liftoff-only",
    "--max-semi-space-size=8",
    "--no-parallel-scavenge",
    "--heap-growing-percent=50",
    "--compact-on-every-full-gc",
    "--expose-gc",
    readPlaneBundle(root),
    String(port),
  ];
}

/**
 * Node arguments of the Next server behind a read plane (scripts/next-server.ts, bundled beside the
 * read plane), with `--liftoff-only` and semi-spaces of 1 MiB (the size `--optimize-for-size` had
 * set; the database client's WebAssembly is as large here, and rendering allocates short-lived
 * garbage too: together ~85 MiB less RSS), and `--heap-growing-percent=30`: after each full
 * collection the old generation may grow to 1.3× what survived it (see serveArgs), which bounds the
 * heap where `--optimize-for-size` did. That flag (used here until 2026-12-03) also trades compiled
 * speed for memory, and this process runs the scheduler: with 3,000 apps at 12× (bench/scale.ts, 30
 * or 60 simulated minutes, same machine) it took 57-65 % of a core in six runs, and the latest
 * planned refresh of a run started 0.9-3.5 s (simulated) late, as its event loop queued behind the
 * refreshes' work; without it 38 % in three runs, the latest 0.9-1.2 s late, p99 ~250-300 ms
 * (600-1,100 ms); no dashboard was open in those runs. Memory: Next server 234 MiB at the end of
 * that hour (200-219 MiB with the flag; 259 MiB with 1.5× growth, 272 MiB with 1.5× and 8 MiB
 * semi-spaces, whose scavenges were not where the time went); with the demo apps through
 * bench/memory.ts's hour 185 MiB (176 MiB).
 * Semi-spaces of 4 MiB, tried again on 2026-12-07 with a dashboard open (bench/scale.ts, 60
 * simulated minutes, the same code back to back): at 12× the Next server used 52 % of a core
 * instead of 58 % (p99 start lateness 413 ms instead of 461 ms; 53 % in a 30-minute run, against
 * 63-71 %), its RSS 274 MiB instead of 267; at 4×, the benchmark's hour of record, 27 % instead of
 * 29 %, the latest start 0.4 s (simulated) instead of 0.5 s, but its RSS 283 MiB instead of 271 and
 * the whole instance's 431 MiB instead of 420 (peak sampled 457 MiB against 441; the goal is 450).
 * Not kept: the memory is the tighter of the two goals.
 */
export function nextServerArgs(root: string, port: number): string[] {
  return ["--liftoff-only", "--max-semi-space-size=1", "--heap-growing-percent=30", nextServerBundle(root), String(port)];
}
