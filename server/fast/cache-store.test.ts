import { describe, expect, it } from "vitest";
import { credentialsChanged } from "../events";
import { cacheStore, freshSnapshot, staleServed, trackStaleReads, type CachedCredential, type Snapshot } from "./cache-store";

// What an instance may still serve when the database does not answer: a value only while it is
// unexpired and inside its vendor's overlap window after the database last confirmed it.

const confirmedAt = Date.parse("2026-11-30T12:00:00Z");
const min = 60_000;

function remember(creds: Partial<CachedCredential>[]) {
  const snap: Snapshot = {
    stamp: "s",
    creds: new Map(
      creds.map((c, i) => [
        `app:${c.kind ?? i}`,
        {
          value: `v${i}`,
          expiresAt: new Date(confirmedAt + 120 * min),
          remainingSeconds: 0,
          generation: 3,
          vendorExpireTime: null,
          appRef: "app",
          kind: `k${i}`,
          vendor: "wechat",
          outageWindowMs: 5 * min,
          ...c,
        } as CachedCredential,
      ]),
    ),
    apps: new Map(),
    keys: new Map(),
    tokens: new Map(),
    loadedAt: 0,
  };
  Object.assign(cacheStore(), { lastGood: snap, lastGoodConfirmedAt: confirmedAt });
}

describe("serving from memory while the database is down", () => {
  it("serves a WeChat access token for 5 minutes after the last confirmation, not longer", () => {
    remember([{ kind: "access_token", outageWindowMs: 5 * min }]);
    expect(staleServed("app", "access_token", confirmedAt + 4 * min)).toMatchObject({ value: "v0", generation: 3, confirmedAt: new Date(confirmedAt) });
    expect(staleServed("app", "access_token", confirmedAt + 5 * min)).toBeNull();
  });

  it("serves a FaceID SIGN ticket for 60 s only", () => {
    remember([{ kind: "sign_ticket", vendor: "faceid", outageWindowMs: min }]);
    expect(staleServed("app", "sign_ticket", confirmedAt + 59_000)).not.toBeNull();
    expect(staleServed("app", "sign_ticket", confirmedAt + 61_000)).toBeNull();
  });

  it("serves a WeChat ticket until its own expiry, and never past it", () => {
    remember([{ kind: "jsapi_ticket", outageWindowMs: Number.POSITIVE_INFINITY, expiresAt: new Date(confirmedAt + 90 * min) }]);
    expect(staleServed("app", "jsapi_ticket", confirmedAt + 89 * min)?.remainingSeconds).toBe(60);
    expect(staleServed("app", "jsapi_ticket", confirmedAt + 90 * min)).toBeNull();
  });

  it("serves nothing it never saw", () => {
    remember([]);
    expect(staleServed("app", "jsapi_ticket", confirmedAt)).toBeNull();
  });

  it("marks the request that used memory, so its answer can say so", async () => {
    remember([{ kind: "access_token" }]);
    const used = await trackStaleReads(async () => staleServed("app", "access_token", confirmedAt + min));
    expect(used.staleSince).toEqual(new Date(confirmedAt));
    const fresh = await trackStaleReads(async () => null);
    expect(fresh.staleSince).toBeNull();
  });

  it("still marks a read that outlives another one it overlapped", async () => {
    remember([{ kind: "access_token" }]);
    let release!: () => void;
    const later = new Promise<void>((r) => (release = r));
    const long = trackStaleReads(async () => {
      await later;
      return staleServed("app", "access_token", confirmedAt + min);
    });
    expect((await trackStaleReads(async () => null)).staleSince).toBeNull();
    release();
    expect((await long).staleSince).toEqual(new Date(confirmedAt));
  });

  it("leaves no hook on the promises a process creates once no tracked read is running", async () => {
    // An AsyncLocalStorage left enabled stores its context on every new promise (Node 20): the
    // cost each read answered from memory paid after the first cold read.
    // (Node drops the hook at the next turn of the event loop.)
    const hooked = () => Object.getOwnPropertySymbols(Promise.resolve()).some((s) => s.description === "kResourceStore");
    remember([{ kind: "access_token" }]);
    await trackStaleReads(async () => staleServed("app", "access_token", confirmedAt + min));
    await new Promise((r) => setTimeout(r, 0));
    expect(hooked()).toBe(false);
  });
});

describe("a change announced by the lifecycle", () => {
  it("drops the fresh snapshot (this instance reads its own writes) but keeps the last confirmed one for an outage", () => {
    remember([{ kind: "access_token" }]);
    const store = cacheStore();
    Object.assign(store, { current: store.lastGood, confirmedAt: Date.now(), maxAgeMs: 60_000 });
    expect(freshSnapshot()).not.toBeNull();
    credentialsChanged();
    expect(freshSnapshot()).toBeNull();
    expect(store.lastGood).not.toBeNull();
  });
});
