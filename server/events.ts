import "server-only";
import { processSingleton } from "./process-state";

/**
 * "Stored credentials changed": the lifecycle says so after a write; whoever keeps a copy (the read
 * cache) listens. The lifecycle thus never imports the cache, which depends on it, not the other way.
 *
 * The listeners are process-wide (process-state.ts): the refresh may run in Next's copy of the
 * modules while the cache was started by the custom server's copy, and must still reach it.
 */
type Listener = () => void;

const listeners = () => processSingleton("tickethubCredentialListeners", () => new Set<Listener>());

/** Calls `listener` after every change to stored credentials; returns a function that stops it. */
export function onCredentialsChanged(listener: Listener): () => void {
  listeners().add(listener);
  return () => listeners().delete(listener);
}

/** Tells every listener that stored credentials changed (a new value or schedule was committed). */
export function credentialsChanged(): void {
  for (const listener of listeners()) {
    try {
      listener();
    } catch (err) {
      // A listener's trouble is not the refresh's: the value is stored either way.
      console.error(`[events] credentials-changed listener: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}
