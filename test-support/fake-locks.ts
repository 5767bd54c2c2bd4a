// Web Locks for tests that play a browser's tabs in one process (components/ui/shared-reads.test.ts,
// held-reads.test.ts): exclusive mode only, each name granted to one holder at a time, the others
// in the order they asked, as a browser does.

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
