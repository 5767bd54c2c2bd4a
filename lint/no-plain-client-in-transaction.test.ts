import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

// The project's lint rule (biome.jsonc plugins) run by Biome itself on code written for it, in a
// folder inside the project so that the project's configuration applies.
function lint(code: string): string {
  const dir = mkdtempSync(path.join(import.meta.dirname, "tmp-"));
  try {
    const file = path.join(dir, "sample.ts");
    writeFileSync(file, code);
    const biome = path.join(import.meta.dirname, "..", "node_modules", ".bin", "biome");
    const res = spawnSync(biome, ["lint", "--max-diagnostics=50", file], { encoding: "utf8" });
    return `${res.stdout}${res.stderr}`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const header =
  "declare const db: { $transaction: (x: unknown) => Promise<void>; a: { create: (x: object) => Promise<void> } };\ndeclare function getDb(): typeof db;\n";

describe("lint: no query through the plain client inside its own $transaction callback", () => {
  it.each([
    ["the client the transaction was started on", "db.a.create({})"],
    ["another client from getDb()", "getDb().a.create({})"],
  ])("flags a query through %s inside the callback", (_what, query) => {
    const out = lint(
      `${header}export async function f() {\n  await db.$transaction(async (tx: typeof db) => {\n    await tx.a.create({});\n    await ${query};\n  });\n}\n`,
    );
    expect(out.match(/query through the plain client inside a \$transaction callback/g)?.length).toBe(1);
  });

  it("leaves the transaction client and the array form alone", () => {
    const out = lint(
      `${header}export async function f() {\n  await db.$transaction(async (tx: typeof db) => {\n    await tx.a.create({});\n  });\n  await db.$transaction([db.a.create({})]);\n}\n`,
    );
    expect(out).not.toMatch(/plain client/);
    expect(out).toMatch(/Checked 1 file/);
  });
});
