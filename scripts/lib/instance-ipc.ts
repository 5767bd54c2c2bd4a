// The messages between an instance's two processes (scripts/read-plane.ts, the front that owns the
// port, and scripts/next-server.ts, the Next server it starts), over the child's IPC channel.
import { type CredentialChange, credentialsChanged, keyRevoked, onCredentialsChanged, onKeyRevoked, onRefreshFailed, refreshFailed } from "../../server/events";
import type { SharedStamp } from "../../server/fast/read-cache";
import type { RetentionFailure } from "../../server/health/instance-state";
import type { SharedExtra } from "../../server/live/changes";
import type { PeerProcess } from "../../server/metrics/render";

export type InstanceMessage =
  /** The Next server listens. */
  | { type: "ready" }
  /**
   * Stored credentials changed in the sender's process (`count`: the sender's changes so far), and
   * what changed when the sender knew it (server/events.ts; its time as ms since the epoch).
   */
  | { type: "credentials-changed"; count: number; change?: WireChange }
  /** The read plane read the database's change stamp (server/fast/read-cache.ts): the Next server takes it instead of reading its own. */
  | { type: "stamp"; shared: SharedStamp }
  /** The read plane read the supplementary change stamp (server/live/changes.ts) for its change streams: the Next server takes it instead of reading its own. */
  | { type: "extra"; extra: SharedExtra }
  /** An API key was revoked in the sender's process (its keyed hash): refused from memory at once. */
  | { type: "key-revoked"; keyHash: string }
  /**
   * A refresh failed in the sender's process and the failure is stored (a consumer read or the proxy
   * refreshing in the read plane): the alert evaluator, which runs in the Next server, looks at once.
   */
  | { type: "refresh-failed"; credentialId: string }
  /** The front asks for the Next server's counters and memory, for /api/metrics. */
  | { type: "metrics?"; id: number }
  | { type: "metrics"; id: number; peer: PeerProcess }
  /** The Next server's heartbeat (every PEER_HEARTBEAT_MS): it is alive, and how its history retention fares. */
  | { type: "alive"; retention: RetentionFailure | null };

type WireChange = { credentialId: string; nextRefreshAt: number | null; appRef?: string };

const toWire = (c: CredentialChange): WireChange => ({ credentialId: c.credentialId, nextRefreshAt: c.nextRefreshAt?.getTime() ?? null, appRef: c.appRef });
/** A change as received: anything malformed counts as "anything may have changed". */
function fromWire(w: unknown): CredentialChange | undefined {
  const c = w as Partial<WireChange> | undefined;
  if (!c || typeof c.credentialId !== "string" || !(c.nextRefreshAt === null || typeof c.nextRefreshAt === "number")) return undefined;
  return {
    credentialId: c.credentialId,
    nextRefreshAt: c.nextRefreshAt === null ? null : new Date(c.nextRefreshAt),
    appRef: typeof c.appRef === "string" ? c.appRef : undefined,
  };
}

type Channel = { send?: (message: InstanceMessage) => unknown; on(event: "message", listener: (message: InstanceMessage) => void): unknown };

/**
 * Carries "stored credentials changed" both ways, so that each process's read cache drops what it
 * holds at once, as it does for its own writes (server/events.ts). A change heard from the other
 * process is announced here without being sent back. `ownChanges` is this process's count of its
 * own changes; `heard(count)` announces the other process's changes up to `count` (once each: the
 * Next server also reports its count on every answer, so that a read right after a write through
 * the dashboard cannot overtake the IPC message). Revoked keys and failed refreshes go across the
 * same way (announced in the other process, never echoed back).
 */
export function relayCredentialChanges(channel: Channel): { ownChanges: () => number; heard: (count: number) => void } {
  let own = 0;
  let heardUpTo = 0;
  let relaying = false;
  onCredentialsChanged((change) => {
    if (relaying) return;
    own++;
    channel.send?.(change ? { type: "credentials-changed", count: own, change: toWire(change) } : { type: "credentials-changed", count: own });
  });
  // Up to `count`, with what the message about `count` itself said changed (from a header: unknown).
  // Changes skipped (a header overtook their messages) are covered by announcing "anything".
  const heard = (count: number, change?: CredentialChange) => {
    if (!(count > heardUpTo)) return;
    const skipped = count > heardUpTo + 1;
    heardUpTo = count;
    relaying = true;
    try {
      credentialsChanged(skipped ? undefined : change);
    } finally {
      relaying = false;
    }
  };
  const keyFromOther = relayWithoutEcho(onKeyRevoked, (keyHash: string) => channel.send?.({ type: "key-revoked", keyHash }), keyRevoked);
  // After the change that stored the failure (refresh-credential.ts announces that first): the
  // evaluator then reads it.
  const failureFromOther = relayWithoutEcho(onRefreshFailed, (credentialId: string) => channel.send?.({ type: "refresh-failed", credentialId }), refreshFailed);
  channel.on("message", (m) => {
    if (m?.type === "credentials-changed") heard(m.count, fromWire(m.change));
    if (m?.type === "refresh-failed" && typeof m.credentialId === "string") failureFromOther(m.credentialId);
    if (m?.type === "key-revoked" && typeof m.keyHash === "string") keyFromOther(m.keyHash);
  });
  return { ownChanges: () => own, heard };
}

/**
 * One kind of event both ways: this process's own go out through `send`; the returned function
 * announces the other process's here through `announce`, without sending them back.
 */
function relayWithoutEcho<T>(on: (listener: (value: T) => void) => unknown, send: (value: T) => void, announce: (value: T) => void): (value: T) => void {
  let relaying = false;
  on((value) => {
    if (!relaying) send(value);
  });
  return (value) => {
    relaying = true;
    try {
      announce(value);
    } finally {
      relaying = false;
    }
  };
}
