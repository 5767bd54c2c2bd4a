import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { SweepRecord } from "./support/leak-sweep";

// The demo apps' secrets (README) and a wrong one the tests send on purpose.
const SECRETS = ["demo-wechat-secret", "demo-feishu-secret", "demo-faceid-secret", "demo-yzb-secret", "wrong-secret-value"];

/**
 * The leak sweep over the whole run: no demo secret and no token or ticket any sandbox issued may
 * appear in plaintext in any stack's SQLite files, the sandbox's saved state or logs. Fails the run (with the places) if one does.
 */
export default function globalTeardown() {
  const dir = process.env.TICKETHUB_SWEEP_DIR;
  if (!dir || !existsSync(dir)) return;
  const records = readdirSync(dir).map((f) => JSON.parse(readFileSync(path.join(dir, f), "utf8")) as SweepRecord);
  if (records.length === 0) return;
  const found = new Set<string>();
  let bytes = 0;
  let values = 0;
  for (const r of records) {
    const needles = [...SECRETS, ...r.values.filter((v) => v.length >= 16)];
    values += needles.length;
    // The sandbox's saved state too: it keeps digests of what it issued, never the values (sandbox/state.ts).
    const files = existsSync(r.dataDir) ? readdirSync(r.dataDir).filter((f) => f.startsWith("tickethub.db") || f === "sandbox-state.json") : [];
    const haystacks = [
      ...files.map((f) => ({ where: path.join(r.dataDir, f), text: readFileSync(path.join(r.dataDir, f)).toString("latin1") })),
      { where: `${r.name} log`, text: r.log },
    ];
    for (const h of haystacks) {
      bytes += h.text.length;
      for (const n of needles) if (h.text.includes(n)) found.add(`${n.slice(0, 10)}… in ${h.where}`);
    }
  }
  console.log(
    `leak sweep: ${records.length} stacks, ${(bytes / 1e6).toFixed(1)} MB of database files and logs, ${values} secrets/tokens/tickets searched: ${found.size} found`,
  );
  if (found.size) throw new Error(`plaintext secrets, tokens or tickets found:\n  ${[...found].join("\n  ")}`);
}
