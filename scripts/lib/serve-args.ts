import { nextServerBundle, readPlaneBundle } from "./read-plane-bundle";

/**
 * Node arguments that run one instance: its read plane (scripts/read-plane.ts, bundled by
 * ensureBuild), which starts the Next server behind it. Run with the working directory at `root`.
 * `--liftoff-only`: the database client's query compiler is WebAssembly; V8's baseline compiler
 * alone keeps ~35 MiB less of compiled code, and the read plane compiles few queries (it also
 * compiles them faster: a cache reload took ~5 ms instead of ~20 ms).
 * `--max-semi-space-size=2`: a read allocates only short-lived garbage; a young generation of a few
 * MiB collects it in shorter pauses than the default 16 MiB semi-spaces, which under load also
 * grow the RSS by ~30 MiB.
 */
export function serveArgs(root: string, port: number): string[] {
  return ["--liftoff-only", "--max-semi-space-size=2", readPlaneBundle(root), String(port)];
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
