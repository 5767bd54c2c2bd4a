import { EventEmitter } from "node:events";
import { describe, expect, it } from "vitest";
import { credentialsChanged, keyRevoked, onCredentialsChanged, onKeyRevoked, onRefreshFailed, refreshFailed } from "../../server/events";
import { type InstanceMessage, relayCredentialChanges } from "./instance-ipc";

// Both ends of the channel in one process would share server/events' listeners, so each end here
// is a fake channel and the "other process" is the messages it sends.
function channel() {
  const sent: InstanceMessage[] = [];
  const emitter = new EventEmitter();
  return {
    sent,
    send: (m: InstanceMessage) => sent.push(m),
    on: (e: "message", l: (m: InstanceMessage) => void) => emitter.on(e, l),
    deliver: (m: InstanceMessage) => emitter.emit("message", m),
  };
}

describe("credential changes between the read plane and the Next server", () => {
  it("sends this process's changes, announces the other's here once each, and never echoes them back", () => {
    const ch = channel();
    const relay = relayCredentialChanges(ch);
    let announced = 0;
    const stop = onCredentialsChanged(() => announced++);
    try {
      credentialsChanged();
      expect(ch.sent).toEqual([{ type: "credentials-changed", count: 1 }]);
      expect(relay.ownChanges()).toBe(1);
      // The other process's first change: by IPC, then again by an answer's header (heard once).
      ch.deliver({ type: "credentials-changed", count: 1 });
      relay.heard(1);
      expect(announced).toBe(2);
      expect(ch.sent).toHaveLength(1);
      relay.heard(3);
      ch.deliver({ type: "credentials-changed", count: 2 });
      expect(announced).toBe(3);
      expect(relay.ownChanges()).toBe(1);
    } finally {
      stop();
    }
  });

  it("says which app a change touched, so the other process's cache stops answering for that app alone", () => {
    const ch = channel();
    const relay = relayCredentialChanges(ch);
    const seen: unknown[] = [];
    const stop = onCredentialsChanged((change) => seen.push(change));
    try {
      const at = new Date("2026-12-01T10:00:00Z");
      credentialsChanged({ credentialId: "c1", appRef: "app1", nextRefreshAt: at });
      expect(ch.sent).toEqual([{ type: "credentials-changed", count: 1, change: { credentialId: "c1", appRef: "app1", nextRefreshAt: at.getTime() } }]);
      // From the other process: its time comes back as a Date.
      ch.deliver({ type: "credentials-changed", count: 1, change: { credentialId: "c2", appRef: "app2", nextRefreshAt: at.getTime() } });
      expect(seen.at(-1)).toEqual({ credentialId: "c2", appRef: "app2", nextRefreshAt: at });
      // An answer's header overtook message 2: message 3 can no longer say all that changed.
      relay.heard(2);
      expect(seen.at(-1)).toBeUndefined();
      ch.deliver({ type: "credentials-changed", count: 4, change: { credentialId: "c4", appRef: "app4", nextRefreshAt: null } });
      expect(seen.at(-1)).toBeUndefined();
      expect(seen).toHaveLength(4);
    } finally {
      stop();
    }
  });

  it("carries a revoked key's hash both ways, so the other process's outage memory refuses it at once; never echoed back", () => {
    const ch = channel();
    relayCredentialChanges(ch);
    const heard: string[] = [];
    const stop = onKeyRevoked((hash) => heard.push(hash));
    try {
      keyRevoked("a".repeat(64));
      expect(ch.sent).toEqual([{ type: "key-revoked", keyHash: "a".repeat(64) }]);
      ch.deliver({ type: "key-revoked", keyHash: "b".repeat(64) });
      expect(heard).toEqual(["a".repeat(64), "b".repeat(64)]);
      expect(ch.sent).toHaveLength(1);
    } finally {
      stop();
    }
  });

  it("tells the other process of a failed refresh (the alert evaluator runs in the Next server), and never echoes one back", () => {
    const ch = channel();
    relayCredentialChanges(ch);
    const failed: string[] = [];
    const stop = onRefreshFailed((id) => failed.push(id));
    try {
      // A consumer read's refresh failed in this process (the read plane).
      refreshFailed("c1");
      expect(ch.sent).toEqual([{ type: "refresh-failed", credentialId: "c1" }]);
      // One from the other process is announced to this process's listeners, and not sent back.
      ch.deliver({ type: "refresh-failed", credentialId: "c2" });
      expect(failed).toEqual(["c1", "c2"]);
      expect(ch.sent).toHaveLength(1);
      // Malformed: nothing announced.
      ch.deliver({ type: "refresh-failed", credentialId: 7 } as unknown as InstanceMessage);
      expect(failed).toEqual(["c1", "c2"]);
    } finally {
      stop();
    }
  });
});
