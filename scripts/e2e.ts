// `npm run test:e2e`: installs Chromium and PostgreSQL when the machine lacks them, builds the
// dashboard if its sources changed, then runs the Playwright specs in e2e/ (extra args pass through).
import { spawnSync } from "node:child_process";
import path from "node:path";
import { ensureBuild } from "./lib/build";
import { root } from "./lib/migrations";

const log = (msg: string) => console.log(`[e2e] ${msg}`);
const deps = spawnSync("bash", [path.join(root, "scripts/install-system-deps.sh")], { stdio: "inherit" });
if (deps.status !== 0) process.exit(deps.status ?? 1);
if (!ensureBuild(root, log)) process.exit(1);
const res = spawnSync(process.execPath, [path.join(root, "node_modules/@playwright/test/cli.js"), "test", ...process.argv.slice(2)], {
  cwd: root,
  stdio: "inherit",
});
process.exit(res.status ?? 1);
