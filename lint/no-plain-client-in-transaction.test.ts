import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";

const RULE = path.join(import.meta.dirname, "no-plain-client-in-transaction.grit");
const BIOME = path.join(import.meta.dirname, "..", "node_modules", ".bin", "biome");

// The rule run by Biome itself on code written for it, in a folder outside the project (nothing
// another `biome check .` could see) whose configuration enables this rule alone.
function lint(code: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "lint-rule-"));
  try {
    writeFileSync(
      path.join(dir, "biome.json"),
      JSON.stringify({
        vcs: { enabled: false },
        formatter: { enabled: false },
        assist: { enabled: false },
        plugins: [RULE],
        linter: { rules: { recommended: false } },
      }),
    );
    writeFileSync(path.join(dir, "sample.ts"), code);
    const res = spawnSync(BIOME, ["lint", "sample.ts"], { cwd: dir, encoding: "utf8", timeout: 30_000 });
    if (res.error) throw res.error;
    const out = `${res.stdout}${res.stderr}`;
    expect(out).toMatch(/Checked 1 file/);
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const flagged = (out: string) => out.match(/query through the plain client inside a \$transaction callback/g)?.length ?? 0;
const header = "declare const db: any;\ndeclare function getDb(): any;\ntype N = number;\n";

describe("lint: no query through the plain client inside its own $transaction callback", () => {
  it("is enabled for the project", () => {
    expect(readFileSync(path.join(import.meta.dirname, "..", "biome.jsonc"), "utf8")).toContain('"./lint/no-plain-client-in-transaction.grit"');
  });

  it.each([
    ["the client the transaction was started on", "async (tx: any) => {\n    await tx.a.create({});\n    await db.a.create({});\n  }"],
    ["another client from getDb()", "async (tx: any) => {\n    await getDb().a.create({});\n  }"],
    ["a callback with a return type", "async (tx: any): Promise<N> => {\n    await db.a.create({});\n    return 1;\n  }"],
    ["a callback followed by options", "async (tx: any) => {\n    await db.a.create({});\n  }, { timeout: 5_000 }"],
  ])("flags a query through %s", (_what, args) => {
    expect(flagged(lint(`${header}export async function f() {\n  await db.$transaction(${args});\n}\n`))).toBe(1);
  });

  it("leaves the transaction client, the array form and a field named db alone", () => {
    const code = `${header}export async function f() {\n  await db.$transaction(async (tx: any) => {\n    await tx.a.create({ data: { db: 1 } });\n  });\n  await db.$transaction([db.a.create({})]);\n  await db.a.update({});\n}\n`;
    expect(flagged(lint(code))).toBe(0);
  });
});
