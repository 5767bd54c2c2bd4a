import path from "node:path";

/** Node arguments that run one instance: Next behind the fast read path (scripts/serve.ts). */
export function serveArgs(root: string, port: number): string[] {
  return ["--import", "tsx", "--import", path.join(root, "scripts/lib/server-only-hook.mjs"), path.join(root, "scripts/serve.ts"), String(port)];
}
