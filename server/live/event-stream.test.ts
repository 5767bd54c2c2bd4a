// The change stream against a real database: a change to what a page shows becomes one `change`
// event naming the topic that moved; nothing else moves.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startHarness, type Harness } from "@/test-support/engine-harness";

/** A change stream opened for a test: what it sent so far, as events, and a way to read on until a condition holds. */
async function openStream() {
  const { changeStream } = await import("./event-stream");
  const abort = new AbortController();
  const reader = changeStream({ signal: abort.signal, stillSignedIn: async () => true }).getReader();
  const decoder = new TextDecoder();
  let text = "";
  const events = () =>
    text
      .split("\n\n")
      .filter((b) => b.startsWith("event: "))
      .map((b) => ({ name: b.split("\n")[0]!.slice(7), data: JSON.parse(b.split("\n")[1]!.slice(6)) as { topics?: Record<string, string> } }));
  const until = async (ok: () => boolean) => {
    while (!ok()) {
      const { value, done } = await reader.read();
      if (done) throw new Error("stream ended");
      text += decoder.decode(value);
    }
  };
  return { abort, reader, events, until };
}

describe("change stream", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness("sqlite");
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  it("sends a ping at once, then a change event when a credential's state moves, naming only that topic", async () => {
    const { getDb } = await import("@/server/db");
    const { stampRead } = await import("@/server/events");
    const { readChangesNow } = await import("./changes");
    const { abort, reader, events, until } = await openStream();

    stampRead("read-cache-stamp-1");
    await readChangesNow();
    await until(() => events().some((e) => e.name === "change"));
    expect(events()[0]!.name).toBe("ping");
    const first = events().find((e) => e.name === "change")!.data.topics!;

    const cred = await getDb().credential.findFirstOrThrow();
    await getDb().credential.update({ where: { id: cred.id }, data: { status: "failing", lastError: "40013", consecutiveFailures: 1 } });
    await readChangesNow();
    await until(() => events().filter((e) => e.name === "change").length === 2);
    const second = events().filter((e) => e.name === "change")[1]!.data.topics!;
    expect(second.credentials).not.toBe(first.credentials);
    expect({ ...second, credentials: "" }).toEqual({ ...first, credentials: "" });

    // A new read-cache stamp (a new generation somewhere) moves the credentials topic too.
    stampRead("read-cache-stamp-2");
    await until(() => events().filter((e) => e.name === "change").length === 3);
    expect(events().filter((e) => e.name === "change")[2]!.data.topics!.credentials).not.toBe(second.credentials);

    abort.abort();
    expect((await reader.read()).done).toBe(true);
  });
  it("moves the apps topic when an app or a slot changes, not when a value is refreshed", async () => {
    const { stampRead } = await import("@/server/events");
    const { readChangesNow, freshTopics } = await import("./changes");
    // Read-cache stamps (read-cache.ts): generations | slots | updatedAt | leases | apps' updatedAt | apps | revisions | keys | revoked.
    stampRead("10|4|1000|0|500|2|5|1|0");
    await readChangesNow();
    const before = freshTopics()!;
    stampRead("11|4|1001|1|500|2|5|1|0"); // a refresh: a new generation, a lease
    await readChangesNow();
    const refreshed = freshTopics()!;
    expect(refreshed.credentials).not.toBe(before.credentials);
    expect(refreshed.apps).toBe(before.apps);
    stampRead("11|4|1001|0|600|2|6|1|0"); // an app renamed
    await readChangesNow();
    const renamed = freshTopics()!;
    expect(renamed.apps).not.toBe(refreshed.apps);
    stampRead("11|6|1002|0|600|3|6|1|0"); // an app added, with its slots
    await readChangesNow();
    expect(freshTopics()!.apps).not.toBe(renamed.apps);
  });

  it("tells a refresh's several stamp moves (lease, value, its audit row) as one change event", async () => {
    const { getDb } = await import("@/server/db");
    const { stampRead } = await import("@/server/events");
    const { latestTopics, readChangesNow } = await import("./changes");
    const stream = await openStream();
    const { abort } = stream;
    const changes = () =>
      stream
        .events()
        .filter((e) => e.name === "change")
        .map((e) => e.data.topics!);
    const until = (n: number) => stream.until(() => changes().length >= n);
    stampRead("refresh-before");
    await readChangesNow();
    // The stream starts with the stamps it has, then tells the movement above.
    const same = (a: Record<string, string> | undefined, b: Record<string, string> | null) => JSON.stringify(a) === JSON.stringify(b);
    while (!same(changes().at(-1), latestTopics())) await until(changes().length + 1);
    const before = changes().at(-1)!;

    // The refresh: its value and audit row in one transaction, and the read cache sees its lease
    // taken and then the new value (two new stamps); the supplementary stamp has not been polled.
    const cred = await getDb().credential.findFirstOrThrow();
    await getDb().$transaction([
      getDb().credential.update({ where: { id: cred.id }, data: { generation: { increment: 1 } } }),
      getDb().auditEvent.create({ data: { actor: "test", action: "credential.refresh", target: cred.id, outcome: "refreshed" } }),
    ]);
    stampRead("refresh-lease");
    stampRead("refresh-value");
    await until(changes().length + 1);
    const told = changes().at(-1)!;
    expect(told.credentials).not.toBe(before.credentials);
    expect(told.audit).not.toBe(before.audit); // the audit row came with it, not in an event of its own

    // The next movement is the next event: nothing about the refresh came between.
    const seen = changes().length;
    stampRead("after-refresh");
    await until(seen + 1);
    expect(changes().slice(seen - 1)).toEqual([told, latestTopics()]);
    abort.abort();
  });
  it("a refresh that began (lease, 'in progress') is not told until it ends (one event, with its value), or until it has run its quiet time", async () => {
    const { stampRead } = await import("@/server/events");
    const { COALESCE_MS, LEASE_QUIET_MS, MAX_HOLD_MS, MIN_GAP_MS, onTopicsChanged, readChangesNow, setLeaseQuietMs } = await import("./changes");
    const told: { at: number; credentials: string }[] = [];
    const stop = onTopicsChanged((t) => told.push({ at: Date.now(), credentials: t.credentials }));
    const settled = () => new Promise((r) => setTimeout(r, Math.max(MAX_HOLD_MS, MIN_GAP_MS) + COALESCE_MS + 100));
    const waitFor = async (n: number) => {
      for (let waited = 0; told.length < n && waited < 30_000; waited += 20) await new Promise((r) => setTimeout(r, 20));
    };
    // Longer than any stall of a busy machine, where what is asserted is that something was told
    // without waiting for it; the time a hung refresh waits is asserted with the real one.
    const LONG_MS = 60_000;
    setLeaseQuietMs(LONG_MS);
    try {
      // Read-cache stamps (read-cache.ts): generations | slots | updatedAt | leases | apps' updatedAt | apps | revisions | keys | revoked.
      stampRead("20|4|2000|0|500|2|5|1|0");
      await readChangesNow();
      await settled();
      const before = told.length;
      stampRead("20|4|2000|1|500|2|5|1|0"); // a refresh takes its lease
      await readChangesNow();
      stampRead("20|4|2003|1|500|2|5|1|0"); // and marks its credential "in progress"
      await readChangesNow();
      await settled();
      expect(told.length).toBe(before); // its beginning alone: not told
      stampRead("21|4|2004|0|500|2|5|1|0"); // its value, its lease released
      await readChangesNow();
      await waitFor(before + 1);
      await settled();
      expect(told.length).toBe(before + 1); // one event for the whole refresh

      // Anything else that moves is told at once, a lease with it or not.
      stampRead("21|4|2004|1|600|2|6|1|0"); // another lease, and an app changed
      await readChangesNow();
      await waitFor(before + 2);
      expect(told.length).toBe(before + 2);

      // A refresh whose vendor call hangs: told once it has run LEASE_QUIET_MS, not before.
      setLeaseQuietMs(LEASE_QUIET_MS);
      const began = Date.now();
      stampRead("21|4|2004|2|600|2|6|1|0");
      await readChangesNow();
      await waitFor(before + 3);
      expect(told.length).toBe(before + 3);
      expect(told.at(-1)!.at - began).toBeGreaterThanOrEqual(LEASE_QUIET_MS);
    } finally {
      setLeaseQuietMs(LEASE_QUIET_MS);
      stop();
    }
  });

  it("in a busy stretch events come at most one every MIN_GAP_MS; what moves meanwhile is told with the next", async () => {
    const { stampRead } = await import("@/server/events");
    const { MIN_GAP_MS, latestTopics, onTopicsChanged, readChangesNow } = await import("./changes");
    const told: { at: number; credentials: string }[] = [];
    const stop = onTopicsChanged((t) => told.push({ at: Date.now(), credentials: t.credentials }));
    const waitFor = async (n: number) => {
      for (let waited = 0; told.length < n && waited < 30_000; waited += 10) await new Promise((r) => setTimeout(r, 10));
    };
    try {
      // Nothing told for longer than the gap: a change alone is told as before.
      await new Promise((r) => setTimeout(r, MIN_GAP_MS + 100));
      const before = told.length;
      stampRead("30|4|3000|0|500|2|5|1|0");
      await readChangesNow();
      await waitFor(before + 1);
      // Right after it, two more movements: neither is told before the gap has passed since it, and
      // both are told, the last one's stamps in the end.
      stampRead("31|4|3001|0|500|2|5|1|0");
      await readChangesNow();
      stampRead("32|4|3002|0|500|2|5|1|0");
      await readChangesNow();
      await waitFor(before + 2);
      expect(told.length).toBeGreaterThanOrEqual(before + 2);
      expect(told[before + 1]!.at - told[before]!.at).toBeGreaterThanOrEqual(MIN_GAP_MS - 1);
      await new Promise((r) => setTimeout(r, MIN_GAP_MS + 300));
      for (let i = before + 1; i < told.length; i++) expect(told[i]!.at - told[i - 1]!.at).toBeGreaterThanOrEqual(MIN_GAP_MS - 1);
      expect(told.at(-1)!.credentials).toBe(latestTopics()?.credentials);
    } finally {
      stop();
    }
  });

  it("pings say when the database stops answering (since when, last confirmed) and again when it is back", async () => {
    const { getDb } = await import("@/server/db");
    const { readChangesNow, databaseOutage, watchChanges } = await import("./changes");
    const { changeStream, HEARTBEAT_MS } = await import("./event-stream");
    await watchChanges();
    await readChangesNow();
    expect(databaseOutage()).toBeNull();
    const confirmedBefore = Date.now();

    // A stream already open hears of the outage at once, not at its next heartbeat (HEARTBEAT_MS).
    const open = new AbortController();
    const openReader = changeStream({ signal: open.signal, stillSignedIn: async () => true }).getReader();
    const openedAt = Date.now();
    let openText = "";
    while (!openText.includes("event: ping")) openText += new TextDecoder().decode((await openReader.read()).value);

    const down = vi
      .spyOn(getDb(), "$queryRawUnsafe")
      .mockRejectedValue(Object.assign(new Error("Can't reach database server at 127.0.0.1:5432"), { code: "P1001" }));
    try {
      await readChangesNow();
      const outage = databaseOutage();
      expect(outage).not.toBeNull();
      expect(Date.parse(outage!.since)).toBeGreaterThanOrEqual(Date.parse(outage!.confirmedAt!));
      expect(Date.parse(outage!.confirmedAt!)).toBeLessThanOrEqual(confirmedBefore + 1_000);
      // What the open stream says within 100 ms (the heartbeat would come 2 s after it opened).
      let heard = "";
      const deadline = Date.now() + 100;
      for (;;) {
        const next = await Promise.race([openReader.read(), new Promise<"nothing">((r) => setTimeout(() => r("nothing"), Math.max(0, deadline - Date.now())))]);
        if (next === "nothing" || next.done) break;
        heard += new TextDecoder().decode(next.value);
      }
      expect(Date.now() - openedAt).toBeLessThan(HEARTBEAT_MS); // else a heartbeat could have carried it
      const pings = heard.split("\n\n").filter((b) => b.startsWith("event: ping"));
      expect(pings.map((b) => JSON.parse(b.split("\n")[1]!.slice(6)).database)).toContainEqual(outage);
      open.abort();
      // Another failed read keeps "since" where the outage began.
      await readChangesNow();
      expect(databaseOutage()).toEqual(outage);

      // The stream's first ping carries it.
      const abort = new AbortController();
      const reader = changeStream({ signal: abort.signal, stillSignedIn: async () => true }).getReader();
      let text = "";
      while (!text.includes("event: ping")) text += new TextDecoder().decode((await reader.read()).value);
      const ping = text.split("\n\n").find((b) => b.startsWith("event: ping"))!;
      expect(JSON.parse(ping.split("\n")[1]!.slice(6)).database).toEqual(outage);
      abort.abort();
    } finally {
      down.mockRestore();
    }
    await readChangesNow();
    expect(databaseOutage()).toBeNull();
  });

  it("pings every open stream at one beat: the same ping, made once, whatever the number of open browsers", async () => {
    const { changeStream, HEARTBEAT_MS } = await import("./event-stream");
    const open = async () => {
      const abort = new AbortController();
      const reader = changeStream({ signal: abort.signal, stillSignedIn: async () => true }).getReader();
      const decoder = new TextDecoder();
      let text = "";
      const pings = () => text.split("\n\n").filter((b) => b.startsWith("event: ping"));
      const until = async (n: number) => {
        while (pings().length < n) {
          const { value, done } = await reader.read();
          if (done) throw new Error("stream ended");
          text += decoder.decode(value);
        }
      };
      await until(1); // its own first ping, at once
      return { abort, pings, until };
    };
    const first = await open();
    await new Promise((r) => setTimeout(r, HEARTBEAT_MS / 4));
    const second = await open();
    await Promise.all([first.until(2), second.until(2)]);
    // Opened HEARTBEAT_MS / 4 apart (or more on a busy machine), pinged by the same beat: the
    // second's first beat is one the first heard too, to the byte (a timer per stream would have
    // made each its own, HEARTBEAT_MS / 4 apart).
    const beat = second.pings()[1]!;
    const upTo = first.pings().length + 1; // sent to both at once: at most the first's next ping
    while (!first.pings().includes(beat) && first.pings().length < upTo) await first.until(first.pings().length + 1);
    expect(first.pings()).toContain(beat);
    expect(first.pings()[0]).not.toBe(second.pings()[0]);
    first.abort.abort();
    second.abort.abort();
  });

  it("checks every open stream's session at the same beat, every SESSION_CHECK_MS; one whose session is gone says so and ends", async () => {
    const { beat, changeStream, HEARTBEAT_MS, SESSION_CHECK_MS } = await import("./event-stream");
    const asked: string[] = [];
    const open = (name: string, signedIn: boolean) => {
      const abort = new AbortController();
      const reader = changeStream({
        signal: abort.signal,
        stillSignedIn: async () => {
          asked.push(name);
          return signedIn;
        },
      }).getReader();
      return { abort, reader };
    };
    const beats = SESSION_CHECK_MS / HEARTBEAT_MS;
    // Opened some beats apart (the beats at once: the timer's own may come between awaits, not here).
    const kept = open("kept", true);
    for (let i = 0; i < beats / 2; i++) beat();
    asked.length = 0; // a check among those beats asked the first alone
    const gone = open("gone", false);
    for (let i = 0; i < beats && asked.length === 0; i++) beat();
    // Checked at the same beat, within SESSION_CHECK_MS of the later one's opening.
    expect(asked.sort()).toEqual(["gone", "kept"]);
    const decoder = new TextDecoder();
    let text = "";
    for (;;) {
      const { value, done } = await gone.reader.read();
      if (done) break;
      text += decoder.decode(value);
    }
    expect(text.trimEnd().split("\n\n").at(-1)).toBe("event: signedout\ndata: {}");
    // The other goes on: the beats pinged it (its own first ping, and at least one more).
    let more = "";
    while (more.split("event: ping").length - 1 < 2) {
      const { value, done } = await kept.reader.read();
      expect(done).toBe(false);
      more += decoder.decode(value);
    }
    expect(more).not.toContain("signedout");
    kept.abort.abort();
  });

  it("ends at its next ping once `alive` says no (the read plane's Next server stopped answering), so the browser reconnects", async () => {
    const { changeStream } = await import("./event-stream");
    let alive = true;
    const abort = new AbortController();
    const reader = changeStream({ signal: abort.signal, stillSignedIn: async () => true, alive: () => alive }).getReader();
    const decoder = new TextDecoder();
    let text = "";
    while (!text.includes("event: ping")) text += decoder.decode((await reader.read()).value);
    alive = false;
    let done = false;
    while (!done) {
      const next = await reader.read();
      done = next.done;
      if (next.value) text += decoder.decode(next.value);
    }
    // Ended at the heartbeat (HEARTBEAT_MS) that would have pinged: no second ping.
    expect(text.split("event: ping").length - 1).toBe(1);
    abort.abort();
  });
});
