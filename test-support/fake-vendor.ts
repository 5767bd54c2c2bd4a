// A real HTTP server that answers every request with the body a test sets: contract tests feed
// the vendor documents' literal examples through the vendor modules with it.
import http from "node:http";
import { expect } from "vitest";
import { loopbackForFile } from "./loopback";
import { VendorError, type CallRecord, type VendorContext } from "@/server/vendors/types";

export type FakeReply = { status?: number; body: string | object; contentType?: string; headers?: Record<string, string> };
export type Seen = { method: string; url: string; headers: http.IncomingHttpHeaders; body: string };

export function fakeVendor() {
  const state = { reply: { body: "{}" } as FakeReply, seen: [] as Seen[] };
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      state.seen.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body });
      const r = state.reply;
      res.writeHead(r.status ?? 200, { "content-type": r.contentType ?? "application/json", ...r.headers });
      res.end(typeof r.body === "string" ? r.body : JSON.stringify(r.body));
    });
  });
  const listening = loopbackForFile(server);
  return {
    /** The next answers: this body (a string as is, anything else as JSON), optionally with a status etc. */
    reply(body: string | object, opts: Omit<FakeReply, "body"> = {}) {
      state.reply = { body, ...opts };
    },
    last(): Seen {
      const s = state.seen.at(-1);
      if (!s) throw new Error("no request seen");
      return s;
    },
    ctx(records: CallRecord[], over: Partial<VendorContext> & { appId: string; secret: string }): VendorContext {
      return { baseUrl: listening.origin, tokenVariant: "default", tokenPath: null, timeoutMs: 2_000, record: (c) => void records.push(c), ...over };
    },
  };
}

/** Awaits a promise that must fail with a VendorError and returns it. */
export async function vendorFailure(p: Promise<unknown>): Promise<VendorError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(VendorError);
    return err as VendorError;
  }
  throw new Error("expected a VendorError");
}
