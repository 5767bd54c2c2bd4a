import { createHook } from "node:async_hooks";

/** One entry of Node's nextTick queue, held for the life of the process. */
let held: object | null = null;

/**
 * Keeps the hidden class (map) of Node's nextTick queue entries alive, so that queueing a tick
 * stays a fast inline store. Call once, early, in a long-lived server process.
 *
 * Node 20's `process.nextTick` builds each entry as `{ [async_id_symbol], [trigger_async_id_symbol],
 * callback, args }`. V8 holds the transitions between that object's maps weakly: a major collection
 * at a moment when no entry is alive (an idle process, a forced `gc()`, the memory reducer) frees
 * them, the next entry gets new maps, and the literal's feedback turns megamorphic for good. From
 * then on every nextTick (about six per HTTP request) defines its properties through the runtime.
 * In the read plane under the consumer-read benchmark that was ~13 % of its busy time
 * (Runtime_DefineKeyedOwnPropertyInLiteral in `node --prof`), and it came and went from run to run
 * with the timing of the collections. One entry kept alive keeps its maps, and so the feedback, valid.
 * The entry is caught through an async hook, enabled for that one tick only: the hook is the public
 * way to see the object Node creates. Disabling it removes V8's promise hooks only at the next
 * microtask checkpoint (until then each new promise gets two more properties, and so another shape):
 * the returned promise resolves on the next turn of the event loop, when they are gone.
 */
export async function keepTickShape(): Promise<void> {
  if (held) return;
  const hook = createHook({
    init(_id, type, _trigger, resource) {
      if (type === "TickObject") held ??= resource;
    },
  });
  hook.enable();
  process.nextTick(() => {});
  hook.disable();
  await new Promise((resolve) => setImmediate(resolve));
}
