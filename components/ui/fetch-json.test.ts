import { afterEach, describe, expect, it } from "vitest";
import { credentialListSchema } from "@/lib/credential-view";
import { ApiError, failedText, parseAnswer, UnexpectedAnswerError } from "./fetch-json";

const view = {
  id: "c1",
  vendor: "wechat",
  vendorLabel: "WeChat",
  appRef: "a1",
  appId: "wx1",
  appName: "Demo",
  kind: "jsapi_ticket",
  kindLabel: "jsapi ticket",
  status: "active",
  generation: 2,
  refreshing: false,
  lease: null,
  current: { maskedValue: "ab••cd", fetchedAt: "2026-01-01T00:00:00Z", expiresIn: 7200, expiresAt: "2026-01-01T02:00:00Z", vendorExpireTime: null },
  previous: null,
  lastError: null,
  consecutiveFailures: 0,
  nextRefreshAt: null,
  nextRefreshReason: null,
  policy: "p",
  quota: { endpoint: "/cgi-bin/ticket/getticket", used: 1, limit: null, limitSource: null, exhausted: false, low: false, resetsAt: "2026-01-01T16:00:00Z" },
  impact: { state: "ok", atRisk: false, breaksAt: "2026-01-01T02:00:00Z", refreshPossibleAt: null, blockedBy: null, attention: 6 },
};
const list = (c: unknown) => parseAnswer(credentialListSchema, { serverTime: "2026-01-01T00:00:00Z", credentials: [c] });

describe("answers checked with the schema the handler shares", () => {
  it("accept a well-formed credential list", () => {
    expect(list(view).credentials[0]!.id).toBe("c1");
  });

  it("name the field of a malformed one", () => {
    expect(() => list({ ...view, generation: "2" })).toThrow(
      new UnexpectedAnswerError("unexpected answer from Ticket Hub: credentials[0].generation should be a number"),
    );
    expect(() => list({ ...view, status: "fine" })).toThrow(/credentials\[0\]\.status should be one of pending, active, failing, expired/);
    expect(() => list({ ...view, current: { ...view.current, expiresAt: 5 } })).toThrow(/credentials\[0\]\.current\.expiresAt should be a string/);
    expect(() => parseAnswer(credentialListSchema, null)).toThrow(/answer should be an object/);
  });
});

describe("fetchJson", () => {
  const answer = (status: number, body: unknown) => async () => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

  it("parses with a schema that loads alongside the request", async () => {
    const ok = { serverTime: "2026-01-01T00:00:00Z", credentials: [view] };
    const { fetchJson } = await import("./fetch-json");
    const real = globalThis.fetch;
    globalThis.fetch = answer(200, ok) as typeof fetch;
    try {
      const got = await fetchJson("/api/credentials", () => import("@/lib/credential-view").then((m) => m.credentialListSchema));
      expect(got.credentials[0]!.kind).toBe("jsapi_ticket");
      globalThis.fetch = answer(403, { title: "Not allowed", status: 403, detail: "needs admin" }) as typeof fetch;
      await expect(fetchJson("/api/users", credentialListSchema)).rejects.toMatchObject({
        status: 403,
        title: "Not allowed",
        message: "Not allowed: needs admin",
      });
    } finally {
      globalThis.fetch = real;
    }
  });
});

describe("fetchJson's deadline", () => {
  /**
   * A server (fetch stubbed) whose headers come after `headersMs` and its body `bodyMs` after them
   * (never: null); the request's signal cuts both off, as a real fetch's does.
   */
  const slow =
    (headersMs: number, bodyMs: number | null, body: unknown) =>
    (_url: unknown, init?: RequestInit): Promise<Response> =>
      new Promise((resolve, reject) => {
        const signal = init!.signal!;
        const aborted = () => signal.reason ?? new DOMException("This operation was aborted", "AbortError");
        const headers = setTimeout(() => {
          const stream = new ReadableStream<Uint8Array>({
            start(controller) {
              const rest =
                bodyMs === null
                  ? undefined
                  : setTimeout(() => {
                      controller.enqueue(new TextEncoder().encode(JSON.stringify(body)));
                      controller.close();
                    }, bodyMs);
              signal.addEventListener("abort", () => {
                clearTimeout(rest);
                controller.error(aborted());
              });
            },
          });
          resolve(new Response(stream, { status: 200, headers: { "content-type": "application/json" } }));
        }, headersMs);
        signal.addEventListener("abort", () => {
          clearTimeout(headers);
          reject(aborted());
        });
      });
  const real = globalThis.fetch;
  afterEach(() => {
    globalThis.fetch = real;
  });

  it("reads to the end an answer that came in time, though reading it takes past the first deadline", async () => {
    // The deadline 200 ms; the headers after 120 ms, the body 120 ms after them (240 ms in all):
    // a tab too busy to read it at once. With one deadline for both, the body was cut off and the
    // answer failed as malformed.
    globalThis.fetch = slow(120, 120, { ok: true }) as typeof fetch;
    const { fetchJson, anyAnswer } = await import("./fetch-json");
    await expect(fetchJson("/api/credentials", anyAnswer, undefined, 200)).resolves.toEqual({ ok: true });
  });

  it("says the server did not answer when its body does not come within its own deadline", async () => {
    globalThis.fetch = slow(50, null, null) as typeof fetch;
    const { fetchJson, anyAnswer } = await import("./fetch-json");
    await expect(fetchJson("/api/credentials", anyAnswer, undefined, 200)).rejects.toMatchObject({
      status: 0,
      title: "Ticket Hub did not answer",
      detail: expect.stringContaining("did not arrive in full within 0.2 s"),
    });
  });

  it("gives up a body when its reader cancels (a superseded refetch), rather than answer with nothing", async () => {
    globalThis.fetch = slow(20, 1_000, { ok: true }) as typeof fetch;
    const { fetchJson, anyAnswer } = await import("./fetch-json");
    const cancel = new AbortController();
    const asked = fetchJson("/api/credentials", anyAnswer, { signal: cancel.signal }, 5_000);
    setTimeout(() => cancel.abort(), 100);
    await expect(asked).rejects.toMatchObject({ name: "AbortError" });
  });

  it("says the answer broke off when its body fails on the way (a reset connection), not that it was malformed", async () => {
    globalThis.fetch = (async () =>
      new Response(
        new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(new TextEncoder().encode('{"credentials":['));
            controller.error(new TypeError("network error"));
          },
        }),
        { status: 200, headers: { "content-type": "application/json" } },
      )) as typeof fetch;
    const { fetchJson, anyAnswer, ApiError } = await import("./fetch-json");
    const failed = await fetchJson("/api/credentials", anyAnswer).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(ApiError);
    expect(failed).toMatchObject({ status: 0, title: "Ticket Hub did not answer", detail: expect.stringContaining("broke off") });
    // An answer that is not JSON at all (a proxy's HTML page) still reads as nothing, for the schema to refuse.
    globalThis.fetch = (async () => new Response("<html>Bad gateway</html>", { status: 200 })) as typeof fetch;
    await expect(fetchJson("/api/credentials", anyAnswer)).resolves.toBeNull();
  });

  it("says so when the headers do not come in time either", async () => {
    globalThis.fetch = slow(1_000, 0, { ok: true }) as typeof fetch;
    const { fetchJson, anyAnswer } = await import("./fetch-json");
    await expect(fetchJson("/api/credentials", anyAnswer, undefined, 200)).rejects.toMatchObject({ status: 0, title: "Ticket Hub did not answer" });
  });

  describe("in a browser without AbortSignal.any (Chrome before 116, Safari before 17.4)", () => {
    const any = AbortSignal.any;
    afterEach(() => {
      AbortSignal.any = any;
    });
    const withoutAny = () => {
      // @ts-expect-error: removed, as such a browser lacks it
      delete AbortSignal.any;
      expect(typeof AbortSignal.any).toBe("undefined");
    };

    it("reads what a caller may cancel (every TanStack read), where it threw a TypeError before", async () => {
      withoutAny();
      globalThis.fetch = slow(20, 20, { ok: true }) as typeof fetch;
      const { fetchJson, anyAnswer } = await import("./fetch-json");
      await expect(fetchJson("/api/credentials", anyAnswer, { signal: new AbortController().signal }, 2_000)).resolves.toEqual({ ok: true });
    });

    it("lets go of the caller's signal once the request is over (a signal kept for many requests gathers nothing)", async () => {
      withoutAny();
      const { eitherSignal } = await import("./fetch-json");
      const caller = new AbortController();
      const deadline = new AbortController();
      const first = eitherSignal(caller.signal, deadline.signal);
      const second = eitherSignal(caller.signal, deadline.signal);
      first.release();
      caller.abort(new Error("cancelled"));
      // The released one no longer follows it; the one still in use does, with its reason.
      expect(first.signal.aborted).toBe(false);
      expect(second.signal.aborted).toBe(true);
      expect((second.signal.reason as Error).message).toBe("cancelled");
    });

    it("still gives up when the caller cancels, and still says when the server is late", async () => {
      withoutAny();
      globalThis.fetch = slow(20, 1_000, { ok: true }) as typeof fetch;
      const { fetchJson, anyAnswer } = await import("./fetch-json");
      const cancel = new AbortController();
      const asked = fetchJson("/api/credentials", anyAnswer, { signal: cancel.signal }, 5_000);
      setTimeout(() => cancel.abort(), 100);
      await expect(asked).rejects.toMatchObject({ name: "AbortError" });

      globalThis.fetch = slow(1_000, 0, { ok: true }) as typeof fetch;
      await expect(fetchJson("/api/credentials", anyAnswer, { signal: new AbortController().signal }, 200)).rejects.toMatchObject({
        status: 0,
        title: "Ticket Hub did not answer",
      });
    });
  });
});

describe("failedText", () => {
  it("says what failed once, even when the server's title already says it", () => {
    expect(failedText("Refresh failed", new ApiError(502, "Refresh failed", "HTTP 500 from the vendor", null))).toBe(
      "Refresh failed: HTTP 500 from the vendor",
    );
    expect(failedText("Refresh failed", new ApiError(409, "Conflict", "already running", null))).toBe("Refresh failed: Conflict: already running");
  });
});
