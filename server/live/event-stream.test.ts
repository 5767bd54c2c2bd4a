// The change stream against a real database: a change to what a page shows becomes one `change`
// event naming the topic that moved; nothing else moves.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "@/test-support/engine-harness";

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
});
