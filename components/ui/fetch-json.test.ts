import { describe, expect, it } from "vitest";
import { credentialListSchema } from "@/lib/credential-view";
import { parseAnswer, UnexpectedAnswerError } from "./fetch-json";

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
  quota: { endpoint: "/cgi-bin/ticket/getticket", used: 1, limit: null, limitSource: null, exhausted: false, resetsAt: "2026-01-01T16:00:00Z" },
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
