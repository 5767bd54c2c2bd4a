import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";

/** A fresh folder where every stack of this run records what the leak sweep must search. */
export default function globalSetup() {
  process.env.TICKETHUB_SWEEP_DIR = mkdtempSync(path.join(os.tmpdir(), "tickethub-sweep-"));
}
