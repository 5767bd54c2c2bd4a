import "server-only";
import { processSingleton } from "./process-state";

/**
 * "Stored credentials changed": the lifecycle says so after a write; whoever keeps a copy (the read
 * cache) listens. The lifecycle thus never imports the cache, which depends on it, not the other way.
 *
 * The listeners are process-wide (process-state.ts): the refresh may run in Next's copy of the
 * modules while the cache was started by the custom server's copy, and must still reach it.
 */
type Listener = (change?: CredentialChange) => void;

/**
 * What changed, when the writer knows it: one credential refreshed (or its refresh failed), and
 * when its next refresh is now planned (null: none). The scheduler needs no look at the database
 * for a refresh planned after the ones it already knows of. Without it: anything may have changed.
 */
export type CredentialChange = {
  credentialId: string;
  nextRefreshAt: Date | null;
  /**
   * The app whose stored values this change may have touched (the credential's, its token's and
   * the tickets bound to it all belong to one app): the read cache then stops answering for that
   * app alone until it reloads, and goes on answering every other app from memory. Without it the
   * whole cache is dropped.
   */
  appRef?: string;
};

const listeners = () => processSingleton("tickethubCredentialListeners", () => new Set<Listener>());

/** Calls `listener` after every change to stored credentials; returns a function that stops it. */
export function onCredentialsChanged(listener: Listener): () => void {
  listeners().add(listener);
  return () => listeners().delete(listener);
}

/**
 * Tells every listener that stored credentials, or what serves them, changed: a new value or
 * schedule, a recorded failure, an app changed or disabled, an API key revoked.
 */
export function credentialsChanged(change?: CredentialChange): void {
  for (const listener of listeners()) {
    try {
      listener(change);
    } catch (err) {
      // A listener's trouble is not the refresh's: the value is stored either way.
      console.error(`[events] credentials-changed listener: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}

/**
 * "This API key was revoked" (by its keyed hash), said in the process that revoked it and relayed
 * to the instance's other process: the outage memory (fast/cache-store.ts) must refuse it at once,
 * not only from the next reload, should the database stop answering before that.
 */
type KeyListener = (keyHash: string) => void;

const keyListeners = () => processSingleton("tickethubKeyRevokedListeners", () => new Set<KeyListener>());

/** Calls `listener` with the hash of every key revoked in (or relayed to) this process; returns a function that stops it. */
export function onKeyRevoked(listener: KeyListener): () => void {
  keyListeners().add(listener);
  return () => keyListeners().delete(listener);
}

export function keyRevoked(keyHash: string): void {
  for (const listener of keyListeners()) {
    try {
      listener(keyHash);
    } catch (err) {
      console.error(`[events] key-revoked listener: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}

/**
 * "The read cache read the database's change stamp": told on every poll (read-cache.ts), so that a
 * listener (server/live) knows both when the stamp moved and that the database was just asked.
 */
type StampListener = (stamp: string) => void;

const stampListeners = () => processSingleton("tickethubStampListeners", () => new Set<StampListener>());

/** Calls `listener` with each stamp the read cache reads; returns a function that stops it. */
export function onStampRead(listener: StampListener): () => void {
  stampListeners().add(listener);
  return () => stampListeners().delete(listener);
}

const lastStamp = () => processSingleton("tickethubLastStamp", () => ({ stamp: null as string | null, at: 0 }));

/** The stamp the read cache read last, and when (Date.now()); null before its first read. */
export function lastStampRead(): { stamp: string; at: number } | null {
  const { stamp, at } = lastStamp();
  return stamp === null ? null : { stamp, at };
}

/** The read cache just read `stamp` from the database. */
export function stampRead(stamp: string): void {
  Object.assign(lastStamp(), { stamp, at: Date.now() });
  for (const listener of stampListeners()) {
    try {
      listener(stamp);
    } catch (err) {
      console.error(`[events] stamp listener: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}

/**
 * "A refresh failed": the lifecycle says so once the failure is on record (refresh-credential.ts);
 * the alert evaluator listens (server/alerts/alerts.ts), so that a failure that breaks clients opens
 * its alert at once instead of at the evaluator's next tick. Process-wide, like the listeners above.
 */
type FailureListener = (credentialId: string) => void;

const failureListeners = () => processSingleton("tickethubRefreshFailedListeners", () => new Set<FailureListener>());

/** Calls `listener` with the credential's id after each failed refresh in this process; returns a function that stops it. */
export function onRefreshFailed(listener: FailureListener): () => void {
  failureListeners().add(listener);
  return () => failureListeners().delete(listener);
}

/** A refresh of `credentialId` failed and the failure is stored. */
export function refreshFailed(credentialId: string): void {
  for (const listener of failureListeners()) {
    try {
      listener(credentialId);
    } catch (err) {
      console.error(`[events] refresh-failed listener: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}

/** A signal without payload: who listens (kept per process), and telling them all (one failing listener does not stop the others). */
function plainSignal(name: "Alert" | "Nonce" | "QuotaCleared"): { on: (listener: () => void) => () => void; emit: () => void } {
  const listeners = () => processSingleton(`tickethub${name}Listeners`, () => new Set<() => void>());
  return {
    on: (listener) => {
      listeners().add(listener);
      return () => listeners().delete(listener);
    },
    emit: () => {
      for (const listener of listeners()) {
        try {
          listener();
        } catch (err) {
          console.error(`[events] ${name} listener: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
    },
  };
}

/**
 * "Alerts changed in this process" (opened, resolved, delivered, acknowledged, silenced): an answer
 * kept in memory (live/topic-memo.ts) is dropped at once, so whoever just acknowledged an alert
 * reads it acknowledged, before the next stamp read would have said so.
 */
const alerts = plainSignal("Alert");

/** Calls `listener` after every change to alerts made in this process; returns a function that stops it. */
export const onAlertsChanged = alerts.on;
export const alertsChanged = alerts.emit;

/**
 * NONCE tickets issued or marked used by this process: the desk's list kept in memory
 * (live/topic-memo.ts) is dropped at once, so the operator who issued one reads it in the list
 * before the next stamp read would have said so.
 */
const nonces = plainSignal("Nonce");

/** Calls `listener` after every NONCE ticket issued or marked used in this process; returns a function that stops it. */
export const onNoncesChanged = nonces.on;
export const noncesChanged = nonces.emit;

/**
 * WeChat's clear_quota went through and is on record (quota/clear-quota.ts): the app's count starts
 * again, so its quota alerts resolve. The alert evaluator listens (server/alerts/alerts.ts) and judges
 * at once, not at its next tick (15 s, up to 10 min), while the Clear quota button would still be offered.
 */
const quotaClearedSignal = plainSignal("QuotaCleared");

/** Calls `listener` after every clear_quota recorded by this process; returns a function that stops it. */
export const onQuotaCleared = quotaClearedSignal.on;
export const quotaCleared = quotaClearedSignal.emit;
