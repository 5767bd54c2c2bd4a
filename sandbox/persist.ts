// The sandbox's memory in a file (SANDBOX_STATE_FILE): a vendor does not forget the tokens and
// tickets it issued when one of its servers restarts, so neither does the sandbox. Without this,
// every restart of the demo made the first refresh of every ticket fail with 40001 and renew its token.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { savedStateSchema, type SandboxState } from "./state";

/** Loads what the file holds into `state`; expired values are dropped. Returns what happened, for the log. */
export function loadState(state: SandboxState, file: string): string {
  if (!existsSync(file)) return `no saved state at ${file}: starting empty`;
  let parsed;
  try {
    parsed = savedStateSchema.safeParse(JSON.parse(readFileSync(file, "utf8")));
  } catch (err) {
    return `saved state at ${file} is not JSON (${(err as Error).message}): starting empty`;
  }
  if (!parsed.success) return `saved state at ${file} is not in the expected shape: starting empty`;
  state.restore(parsed.data);
  return `loaded ${state.issued.size} unexpired token(s) and ticket(s) from ${file}`;
}

/**
 * Saves `state` to `file` a moment after each change (many changes, one write), atomically:
 * a temporary file renamed over the old one, so a crash leaves the old state or the new, never half.
 */
export function persistState(state: SandboxState, file: string, debounceMs = 200): { flush: () => void; stop: () => void } {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  let timer: NodeJS.Timeout | null = null;
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    try {
      // 0600: digests only, but still nobody else's business.
      writeFileSync(tmp, JSON.stringify(state.snapshot()), { mode: 0o600 });
      renameSync(tmp, file);
    } catch (err) {
      rmSync(tmp, { force: true });
      console.error(`sandbox: cannot save state to ${file}: ${(err as Error).message}`);
    }
  };
  state.onChange = () => {
    // Never holds the process open: the signal handlers flush before exit.
    timer ??= setTimeout(flush, debounceMs).unref();
  };
  return {
    flush,
    stop: () => {
      state.onChange = null;
      if (timer) flush();
    },
  };
}
