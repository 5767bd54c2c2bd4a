import { renameSync, writeFileSync, mkdirSync } from "node:fs";
import path from "node:path";
import { buildSync } from "esbuild";

// Both processes of an instance, the read plane (scripts/read-plane.ts) and the Next server behind it
// (scripts/next-server.ts), run as one bundled file each under plain Node: with tsx's loader thread
// and its on-the-fly compiling each would carry ~35 MiB more. Packages stay in node_modules
// (imported at run time); the sources (server/, lib/, generated/) are bundled. esbuild comes with
// tsx. Bundling takes tens of milliseconds, so every start rebuilds them from the current sources.

/** Where the read plane's bundle is written (under .next/, which `next build` recreates: build after it). */
export function readPlaneBundle(root: string): string {
  return path.join(root, ".next", "read-plane", "read-plane.mjs");
}

/** Where the Next server's bundle is written, beside the read plane's. */
export function nextServerBundle(root: string): string {
  return path.join(root, ".next", "read-plane", "next-server.mjs");
}

export function buildReadPlane(root: string): void {
  bundle(root, "scripts/read-plane.ts", readPlaneBundle(root));
  bundle(root, "scripts/next-server.ts", nextServerBundle(root));
}

function bundle(root: string, entry: string, out: string): void {
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
  writeFileSync(tmp, result.outputFiles[0]!.contents);
  renameSync(tmp, out);
}
