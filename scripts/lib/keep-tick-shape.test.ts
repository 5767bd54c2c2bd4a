import { execFileSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";

// Each case runs in a fresh Node process: the state it checks is V8's feedback for Node's own
// `process.nextTick`, which one process builds once. `%DebugPrint` (with --allow-natives-syntax)
// prints that feedback, slot by slot; a DefineKeyedOwnPropertyInLiteral slot is one property of
// the queue entry the literal builds.
const MODULE = path.join(import.meta.dirname, "keep-tick-shape.ts");
const SCRIPT = `
const { keepTickShape } = await import(${JSON.stringify(MODULE)});
if (process.env.KEEP === "1") await keepTickShape();
const burst = (n) => new Promise((resolve) => { let done = 0; for (let i = 0; i < n; i++) process.nextTick(() => ++done === n && resolve()); });
for (let i = 0; i < 50; i++) await burst(1000);
// What an idle server sees between bursts of requests: major collections while no tick is queued.
for (let i = 0; i < 5; i++) { await new Promise((r) => setTimeout(r, 10)); gc(); }
for (let i = 0; i < 50; i++) await burst(1000);
new Function("f", "%DebugPrint(f)")(process.nextTick);
`;

function literalFeedback(keep: boolean): string[] {
  // V8 prints straight to the file descriptor; into a pipe (non-blocking in Node) a busy reader can
  // lose part of it, into a file it cannot.
  const dir = mkdtempSync(path.join(os.tmpdir(), "tick-shape-"));
  const file = path.join(dir, "out.txt");
  const fd = openSync(file, "w");
  try {
    execFileSync(process.execPath, ["--expose-gc", "--allow-natives-syntax", "--import", "tsx", "--input-type=module", "-e", SCRIPT], {
      env: { ...process.env, KEEP: keep ? "1" : "0" },
      stdio: ["ignore", fd, "inherit"],
    });
    return [...readFileSync(file, "utf8").matchAll(/DefineKeyedOwnPropertyInLiteral (\w+)/g)].map((m) => m[1]!);
  } finally {
    closeSync(fd);
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("keepTickShape", () => {
  it("keeps queueing a tick on the fast path after idle major collections", () => {
    // Without it (the control): this Node's nextTick turns megamorphic, the cost the function exists to avoid.
    const control = literalFeedback(false);
    expect(control.length, "nextTick builds its queue entry from a literal with computed keys").toBeGreaterThanOrEqual(4);
    expect(control, "without keepTickShape the idle collections make the feedback megamorphic").toContain("MEGAMORPHIC");
    const kept = literalFeedback(true);
    expect(kept).toHaveLength(control.length);
    expect(new Set(kept)).toEqual(new Set(["MONOMORPHIC"]));
  });
});
