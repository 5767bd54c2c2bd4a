import { QueryClient, QueryObserver } from "@tanstack/react-query";
import { afterEach, describe, expect, it } from "vitest";
import { ApiError } from "./fetch-json";
import { retryStuckReads } from "./stuck-reads";

const clients: QueryClient[] = [];
afterEach(() => {
  for (const c of clients.splice(0)) c.clear();
});

/**
 * A page's list on screen (an observer), read first as `v1`; then each read answers with what
 * `answers` holds next (an error is thrown). Retries off, as after TanStack's own one.
 */
async function listOnScreen(answers: (string | ApiError)[]) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: 1_000 } } });
  clients.push(client);
  let reads = 0;
  const next: (string | ApiError)[] = ["v1", ...answers];
  const observer = new QueryObserver(client, {
    queryKey: ["credentials", "list"],
    queryFn: async () => {
      reads++;
      const a = next.shift() ?? "unexpected read";
      if (a instanceof ApiError) throw a;
      return a;
    },
  });
  const stop = observer.subscribe(() => {});
  await settle(client);
  const query = () => client.getQueryCache().find({ queryKey: ["credentials", "list"] })!;
  return { client, stop, reads: () => reads, query, data: () => query().state.data, errorAt: () => query().state.errorUpdatedAt };
}

const settle = async (client: QueryClient) => {
  for (let i = 0; i < 20 && client.isFetching() > 0; i++) await new Promise((r) => setTimeout(r, 5));
};

/** The pauses' factor at its top: 2 s, 4 s, 8 s… */
const full = () => 1;

const cutOff = () => new ApiError(0, "Ticket Hub did not answer", "Its answer did not arrive in full within 8 s of its start", null);

describe("a read a change asked for that failed on the way", () => {
  it("is asked again at the stream's pings, after pauses that double, until the page shows the change", async () => {
    const page = await listOnScreen([cutOff(), cutOff(), "v2"]);
    expect(page.data()).toBe("v1");
    // A change: the refetch is cut off; the page keeps v1, with the error.
    await page.client.invalidateQueries({ queryKey: ["credentials"] });
    await settle(page.client);
    expect(page.query().state).toMatchObject({ status: "error", isInvalidated: true, data: "v1" });
    expect(page.reads()).toBe(2);

    // A ping 1 s after the failure: too soon. At 2 s: asked again, cut off again.
    expect(retryStuckReads(page.client, page.errorAt() + 1_000, full)).toBe(0);
    expect(retryStuckReads(page.client, page.errorAt() + 2_000, full)).toBe(1);
    await settle(page.client);
    expect(page.reads()).toBe(3);
    expect(page.data()).toBe("v1");

    // The next pause is 4 s: not at 2 s, then at 4 s, when the answer comes through.
    expect(retryStuckReads(page.client, page.errorAt() + 2_000, full)).toBe(0);
    expect(retryStuckReads(page.client, page.errorAt() + 4_000, full)).toBe(1);
    await settle(page.client);
    expect(page.data()).toBe("v2");
    expect(page.query().state).toMatchObject({ status: "success", isInvalidated: false });
    // Shown: nothing is asked again.
    expect(retryStuckReads(page.client, Date.now() + 120_000, full)).toBe(0);
    expect(page.reads()).toBe(4);
    page.stop();
  });

  it("starts again from a short pause after a success", async () => {
    const page = await listOnScreen([cutOff(), "v2", new ApiError(503, "Service unavailable", undefined, null), "v3"]);
    await page.client.invalidateQueries({ queryKey: ["credentials"] });
    await settle(page.client);
    expect(retryStuckReads(page.client, page.errorAt() + 2_000, full)).toBe(1);
    await settle(page.client);
    expect(page.data()).toBe("v2");
    // The next change fails with a 503: asked again after 2 s, not after the 4 s the first failures had reached.
    await page.client.invalidateQueries({ queryKey: ["credentials"] });
    await settle(page.client);
    expect(page.query().state.status).toBe("error");
    expect(retryStuckReads(page.client, page.errorAt() + 2_000, full)).toBe(1);
    await settle(page.client);
    expect(page.data()).toBe("v3");
    page.stop();
  });

  it("waits between half and all of each pause, drawn once per run of failures (tabs that failed together spread out)", async () => {
    const page = await listOnScreen([cutOff(), cutOff(), "v2"]);
    await page.client.invalidateQueries({ queryKey: ["credentials"] });
    await settle(page.client);
    const half = () => 0;
    expect(retryStuckReads(page.client, page.errorAt() + 999, half)).toBe(0);
    expect(retryStuckReads(page.client, page.errorAt() + 1_000, half)).toBe(1);
    await settle(page.client);
    // The factor stays the one drawn first: the next pause is half of 4 s, whatever is drawn now.
    expect(retryStuckReads(page.client, page.errorAt() + 1_999, full)).toBe(0);
    expect(retryStuckReads(page.client, page.errorAt() + 2_000, full)).toBe(1);
    await settle(page.client);
    expect(page.data()).toBe("v2");
    page.stop();
  });

  it("leaves a page that never had its data to its error and Try again button", async () => {
    const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    clients.push(client);
    const observer = new QueryObserver(client, {
      queryKey: ["audit"],
      queryFn: async () => {
        throw cutOff();
      },
    });
    const stop = observer.subscribe(() => {});
    await settle(client);
    const query = client.getQueryCache().find({ queryKey: ["audit"] })!;
    expect(query.state).toMatchObject({ status: "error", data: undefined });
    expect(retryStuckReads(client, query.state.errorUpdatedAt + 60_000, full)).toBe(0);
    stop();
  });

  it("is not asked again when the server refused it (a 4xx), nor when no page shows it", async () => {
    const refused = await listOnScreen([new ApiError(404, "Not found", "credential: no such credential", null)]);
    await refused.client.invalidateQueries({ queryKey: ["credentials"] });
    await settle(refused.client);
    expect(refused.query().state.status).toBe("error");
    expect(retryStuckReads(refused.client, refused.errorAt() + 60_000, full)).toBe(0);
    refused.stop();

    const left = await listOnScreen([cutOff()]);
    await left.client.invalidateQueries({ queryKey: ["credentials"] });
    await settle(left.client);
    left.stop(); // the page that showed it was left
    expect(retryStuckReads(left.client, left.errorAt() + 60_000, full)).toBe(0);
    expect(left.reads()).toBe(2);
  });
});
