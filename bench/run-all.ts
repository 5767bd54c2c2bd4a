// Runs every benchmark once and writes bench/RESULTS.md (never part of the test suite: a report).
// Usage: npm run bench
import { writeFileSync } from "node:fs";
import path from "node:path";
import { benchConsumerRead } from "./consumer-read";
import { benchDashboard } from "./dashboard";
import { benchIdleTabs } from "./idle-tabs";
import { machine } from "./lib";
import { benchMemory } from "./memory";
import { benchScale } from "./scale";
import { benchTabCost } from "./tab-cost";
import { benchThunderingHerd } from "./thundering-herd";

const sections: string[] = [];
for (const [name, run] of [
  ["consumer read", benchConsumerRead],
  ["thundering herd (SQLite)", () => benchThunderingHerd(false)],
  ["thundering herd (PostgreSQL)", () => benchThunderingHerd(true)],
  ["dashboard", benchDashboard],
  ["idle dashboard tabs", benchIdleTabs],
  ["one tab's cost", benchTabCost],
  ["memory", benchMemory],
  ["thousands of apps", () => benchScale()],
  // The same hour at 12×: a stress run (see SCALE in scale.ts for why the run of record is at 4×).
  ["thousands of apps at 12× (stress)", () => benchScale(60, 750, 12)],
] as const) {
  console.log(`[bench] ${name}…`);
  // A section that fails is reported as such; the others still run and are written.
  let text: string;
  try {
    text = await run();
  } catch (err) {
    const why = (err instanceof Error ? err.message : String(err)).split("\n")[0];
    text = `### ${name[0]!.toUpperCase()}${name.slice(1)}\n\n**Did not complete** in this run: ${why}`;
    console.error(err);
  }
  console.log(`${text}\n`);
  sections.push(text);
}
const out = [
  "# Benchmark results",
  "",
  `Produced by \`npm run bench\` (\`bench/run-all.ts\`) on ${new Date().toISOString().slice(0, 10)}, on: ${machine()}.`,
  "Each benchmark can also run alone: `node --conditions=react-server --import tsx bench/<name>.ts`.",
  "These are reports, not tests: figures vary from run to run and machine to machine.",
  "",
  ...sections.flatMap((s) => [s, ""]),
].join("\n");
writeFileSync(path.join(import.meta.dirname, "RESULTS.md"), out);
console.log("[bench] wrote bench/RESULTS.md");
process.exit(0);
