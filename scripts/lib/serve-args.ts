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
 * `--max-semi-space-size=8`: a read allocates only short-lived garbage, and the young generation's
 * size decides how often it is collected. Measured as the read plane's CPU time per request against
 * a bare Node server's (20 connections, loaded machine): 2 MiB 0.73–0.75× (a scavenge every few ms
 * at full load), 4 MiB 0.79–0.82×, the default 16 MiB 0.82–0.83× but ~25 MiB more RSS. 8 MiB fits in
 * the memory the small query compiler saves (scripts/lib/read-plane-bundle.ts).
 * `--no-parallel-scavenge`: those scavenges are short (a young generation of garbage), and V8
 * splits each over helper threads, whose start and join cost more than they save there, and which
 * take a core from this process's own thread and from the others on the host (the Next server, the
 * clients). Measured with bench/consumer-read.ts, 7 runs each, alternated: with helpers 0.77–0.90×
 * bare Node (mean 0.82), without 0.82–0.98× (mean 0.91); RSS the same. The Next server keeps them:
 * there, without, the scheduler's timers fired later (bench/scale.ts, one run: 4 refreshes later
 * than 1 s simulated, the latest 1.3 s; 0–3 and 0.9–1.4 s in four runs with them).
 * `--expose-gc`: the read plane collects after each /api/metrics scrape (scripts/read-plane.ts).
 * `--optimize-for-size` would bound the heap too, but it also shrinks the young generation to
 * 1 MiB (the trade measured above).
 */
export function serveArgs(root: string, port: number): string[] {
  return ["--liftoff-only", "--max-semi-space-size=8", "--no-parallel-scavenge", "--expose-gc", readPlaneBundle(root), String(port)];
}

/**
 * Node arguments of the Next server behind a read plane (scripts/next-server.ts, bundled beside the
 * read plane), with the same two flags (the database client's WebAssembly is as large here, and
 * rendering allocates short-lived garbage too: together ~85 MiB less RSS) and `--optimize-for-size`:
 * without it V8 let this process's heap grow with garbage to ~410 MiB RSS through the memory
 * benchmark's hour (bench/memory.ts, 104 apps); with it ~190 MiB. Its work is pages, the dashboard's
 * API and refreshes, where the trade of some compiled speed for memory costs nothing a user notices.
 */
export function nextServerArgs(root: string, port: number): string[] {
  return ["--liftoff-only", "--max-semi-space-size=2", "--optimize-for-size", nextServerBundle(root), String(port)];
}
