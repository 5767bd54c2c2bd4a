// For tests that play a browser's tabs in one process (components/ui/shared-reads.test.ts,
// held-reads.test.ts): what the tabs share, on Node's BroadcastChannel and a Web Locks manager.
import { vi } from "vitest";

/** Web Locks, exclusive mode only: one holder per name, the others in the order they asked. */
export function fakeLocks() {
  const queues = new Map<string, (() => void)[]>();
  const held = new Set<string>();
  const next = (name: string) => {
    const q = queues.get(name) ?? [];
    const grant = q.shift();
    if (grant) grant();
    else held.delete(name);
  };
  return {
    request<T>(name: string, options: { signal?: AbortSignal }, callback: () => Promise<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        const run = () => {
          held.add(name);
          Promise.resolve()
            .then(callback)
            .then(resolve, reject)
            .finally(() => next(name));
        };
        if (options.signal?.aborted) return reject(options.signal.reason);
        if (!held.has(name)) return run();
        const q = queues.get(name) ?? [];
        const entry = () => {
          options.signal?.removeEventListener("abort", onAbort);
          run();
        };
        const onAbort = () => {
          q.splice(q.indexOf(entry), 1);
          reject(options.signal!.reason);
        };
        options.signal?.addEventListener("abort", onAbort, { once: true });
        q.push(entry);
        queues.set(name, q);
      });
    },
  };
}

/**
 * Stubs what the tabs of one browser share: BroadcastChannel (Node's, every channel opened kept to
 * be closed), Web Locks (fakeLocks) and `window`. Returns what undoes it, for afterEach.
 */
export function stubBrowserTabs(): () => void {
  const opened: BroadcastChannel[] = [];
  const Native = globalThis.BroadcastChannel;
  vi.stubGlobal(
    "BroadcastChannel",
    class extends Native {
      constructor(name: string) {
        super(name);
        opened.push(this);
      }
    },
  );
  vi.stubGlobal("window", globalThis);
  vi.stubGlobal("navigator", { locks: fakeLocks() });
  return () => {
    for (const c of opened) c.close();
    vi.unstubAllGlobals();
  };
}
