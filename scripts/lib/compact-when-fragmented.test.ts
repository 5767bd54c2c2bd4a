import { execFileSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { fragmented } from "./compact-when-fragmented";

// Each case runs in a fresh Node process with --expose-gc: what it checks is that process's heap.
// The script leaves ~50 MiB of old-generation pages about a third full (objects that survived two
// collections, then two of every three dropped), the fragmentation V8's own compaction leaves alone
// (it evacuates only pages at least 70 % free), then makes ordinary full collections and prints
// the old space's figures and what the compactor reported.
const MODULE = path.join(import.meta.dirname, "compact-when-fragmented.ts");
const SCRIPT = `
const { compactWhenFragmented, oldSpace } = await import(${JSON.stringify(MODULE)});
const mode = process.env.MODE;
let keep = [];
for (let i = 0; i < 600000; i++) keep.push({ a: i, b: "x" + i, c: [i] });
gc(); gc();
keep = keep.filter((_, i) => i % 3 === 0);
const heard = [];
const policy = { minFreeBytes: 8 * 2 ** 20, minFreeShare: mode === "tight" ? 10 : 0.25, minIntervalMs: 60000, inARow: 2 };
const compactor = mode === "off" ? { stop: () => {} } : compactWhenFragmented(policy, (c) => heard.push(c));
// A collection's entry reaches the observer a few turns of the event loop after it (Node's native
// immediate, then its dispatch), and the check runs on the turn after that: counted in turns, so a
// timer that comes due late on a busy machine cannot overtake them.
const settle = async () => {
  for (let i = 0; i < 6; i++) await new Promise((r) => setImmediate(r));
  await new Promise((r) => setTimeout(r, 50));
};
// The first two find the pages fragmented (policy.inARow); the third is the one asked to compact them.
gc();
await settle();
gc();
await settle();
const afterTwo = oldSpace();
gc();
await settle();
// It reports half a second later; on a busy machine wait for it up to 10 s.
for (let waited = 0; mode === "on" && heard.length === 0 && waited < 10000; waited += 100) await new Promise((r) => setTimeout(r, 100));
const afterFirst = oldSpace();
// Fragmented again at once: the policy allows one compaction a minute.
keep = keep.filter((_, i) => i % 2 === 0);
for (let i = 0; i < 3; i++) {
  gc();
  await settle();
}
// Long enough for a report of a second compaction (half a second after it) to come.
await new Promise((r) => setTimeout(r, 800));
const end = oldSpace();
compactor.stop();
console.log(JSON.stringify({ afterTwo, afterFirst, end, heard }));
`;

interface Run {
  afterTwo: { committed: number; used: number };
  end: { committed: number; used: number };
  afterFirst: { committed: number; used: number };
  heard: { before: { committed: number; used: number }; after: { committed: number; used: number }; pauseMs: number; compacted: boolean }[];
}

function run(mode: "on" | "off" | "tight"): Run {
  const out = execFileSync(process.execPath, ["--expose-gc", "--import", "tsx", "--input-type=module", "-e", SCRIPT], {
    env: { ...process.env, MODE: mode },
    encoding: "utf8",
  });
  return JSON.parse(out.trim().split("\n").at(-1)!) as Run;
}

const MiB = 2 ** 20;

describe("compactWhenFragmented", () => {
  it("has the next full collection give back the fragmented pages an ordinary one keeps, once per interval", () => {
    // The control: V8's full collection alone keeps the pages (what the read plane's RSS grew by).
    const control = run("off");
    expect(control.afterFirst.committed - control.afterFirst.used, "an ordinary full collection leaves the pages committed").toBeGreaterThan(20 * MiB);

    const on = run("on");
    expect(on.heard, "one compaction: the later collections came within the interval").toHaveLength(1);
    expect(on.heard[0]!.compacted).toBe(true);
    // The later collections left the new free space where it was.
    expect(on.end.committed - on.end.used).toBeGreaterThan(8 * MiB);
    // Not at the second collection: it waits for two in a row to find them fragmented.
    expect(on.afterTwo.committed - on.afterTwo.used).toBeGreaterThan(20 * MiB);
    const [first] = on.heard;
    expect(first!.before.committed - first!.before.used).toBeGreaterThan(20 * MiB);
    expect(first!.after.committed - first!.after.used).toBeLessThan(8 * MiB);
    expect(first!.pauseMs).toBeGreaterThan(0);
    // After it, the pages hold what is in use and little more.
    expect(on.afterFirst.committed - on.afterFirst.used).toBeLessThan(8 * MiB);
    expect(on.afterFirst.committed).toBeLessThan(control.afterFirst.committed - 20 * MiB);
  });

  it("leaves the pages alone when the policy does not call them fragmented", () => {
    const tight = run("tight");
    expect(tight.heard).toEqual([]);
    expect(tight.afterFirst.committed - tight.afterFirst.used).toBeGreaterThan(20 * MiB);
  });
});

describe("fragmented", () => {
  const policy = { minFreeBytes: 12 * MiB, minFreeShare: 0.25, minIntervalMs: 60_000, inARow: 2 };
  it("needs both the free bytes and the free share", () => {
    expect(fragmented({ committed: 77 * MiB, used: 45 * MiB }, policy)).toBe(true);
    // 10 MiB free: under the bytes.
    expect(fragmented({ committed: 20 * MiB, used: 10 * MiB }, policy)).toBe(false);
    // 15 MiB free of 100 in use: under the share.
    expect(fragmented({ committed: 115 * MiB, used: 100 * MiB }, policy)).toBe(false);
    expect(fragmented({ committed: 125 * MiB, used: 100 * MiB }, policy)).toBe(true);
  });
});
