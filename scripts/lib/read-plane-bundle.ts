import { renameSync, writeFileSync, mkdirSync } from "node:fs";
import path from "node:path";
import { buildSync } from "esbuild";
import { nextServerBundle, readPlaneBundle } from "./serve-args";

// Both processes of an instance, the read plane (scripts/read-plane.ts) and the Next server behind it
// (scripts/next-server.ts), run as one bundled file each under plain Node: with tsx's loader thread
// and its on-the-fly compiling each would carry ~35 MiB more. Packages stay in node_modules
// (imported at run time); the sources (server/, lib/, generated/) are bundled. esbuild comes with
// tsx. Bundling takes tens of milliseconds, so every start rebuilds them from the current sources.

export function buildReadPlane(root: string): void {
  bundle(root, "scripts/read-plane.ts", readPlaneBundle(root), { smallQueryCompiler: true });
  bundle(root, "scripts/next-server.ts", nextServerBundle(root), { smallQueryCompiler: false });
}

function bundle(root: string, entry: string, out: string, opts: { smallQueryCompiler: boolean }): void {
  const result = buildSync({
    entryPoints: [path.join(root, entry)],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    tsconfig: path.join(root, "tsconfig.json"),
    // What `server-only` resolves to on a server (Next's bundler does the same).
    alias: { "server-only": path.join(root, "node_modules/server-only/empty.js") },
    banner: { js: 'import { createRequire as __tickethubRequire } from "node:module"; const require = __tickethubRequire(import.meta.url);' },
    write: false,
    logLevel: "warning",
  });
  mkdirSync(path.dirname(out), { recursive: true });
  // Written aside and renamed: an instance starting meanwhile reads the old file or the new one, never half of one.
  const tmp = `${out}.${process.pid}.tmp`;
  // Prisma's query compiler in its size-optimised build (what the generator option `compilerBuild =
  // "small"` selects: its glue module, its WebAssembly, and the import name that ties them) instead of
  // the default fast one, which the Next server keeps: the read plane compiles a few queries over and
  // over, and the fast build's larger WebAssembly, its compiled code and its base64 source cost it
  // ~14 MiB of resident memory (115 → 101 MiB after 200,000 reads).
  const text = result.outputFiles[0]!.text;
  writeFileSync(tmp, opts.smallQueryCompiler ? text.replaceAll("query_compiler_fast_bg.", "query_compiler_small_bg.") : text);
  renameSync(tmp, out);
}
