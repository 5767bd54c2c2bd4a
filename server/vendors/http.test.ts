// The one place vendor URLs are built and sent: never another origin, never a followed redirect.
import { readFileSync, readdirSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import { describe, expect, it, vi } from "vitest";
import { vendorFailure } from "@/test-support/fake-vendor";
import { loopbackForFile } from "@/test-support/loopback";
import { fetchFaceidAccessToken } from "./faceid";
import { fetchFeishuTenantToken } from "./feishu";
import { MAX_ANSWER_BYTES, upstream, vendorUrl } from "./http";
import type { CallRecord, VendorContext } from "./types";
import { fetchWechatAccessToken } from "./wechat";
import { fetchYzbAccessToken } from "./yzb";

/** A loopback listener that counts what reaches it; `answer` decides the reply. */
function listener(answer: (req: http.IncomingMessage, res: http.ServerResponse) => void = (_q, r) => void r.writeHead(404).end()) {
  const seen: { method: string; url: string; body: string }[] = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      seen.push({ method: req.method ?? "", url: req.url ?? "", body });
      answer(req, res);
    });
  });
  const listening = loopbackForFile(server);
  return {
    seen,
    server,
    get origin() {
      return listening.origin;
    },
    get port() {
      return listening.port;
    },
  };
}

const elsewhere = listener(
  (_q, r) => void r.writeHead(200, { "content-type": "application/json" }).end('{"status":"2000","data":{"access_token":"stolen","expires_in":7200}}'),
);
let redirectStatus = 302;
const redirecting = listener((_q, r) => void r.writeHead(redirectStatus, { location: `${elsewhere.origin}/landing` }).end());

const ctx = (over: Partial<VendorContext> = {}, records: CallRecord[] = []): VendorContext => ({
  baseUrl: redirecting.origin,
  appId: "yzbdemo1",
  secret: "demo-yzb-secret",
  tokenVariant: "default",
  tokenPath: null,
  timeoutMs: 2_000,
  record: (c) => void records.push(c),
  ...over,
});

const VENDOR_CALLS = {
  wechat: (c: VendorContext) => fetchWechatAccessToken({ ...c, appId: "wx1234567890abcdef" }),
  wechatStable: (c: VendorContext) => fetchWechatAccessToken({ ...c, appId: "wx1234567890abcdef", tokenVariant: "stable_token" }),
  feishu: (c: VendorContext) => fetchFeishuTenantToken({ ...c, appId: "cli_a1b2c3d4e5f6a7b8" }),
  faceid: (c: VendorContext) => fetchFaceidAccessToken({ ...c, appId: "IDAabcd1" }),
  yzb: (c: VendorContext) => fetchYzbAccessToken(c),
};

describe("vendorUrl", () => {
  it.each(["//evil.example/x", "//127.0.0.2/exfil", "/a/../b", "/a\\b", "/%2f%2fevil", "https://evil.example/x", "/x?y=1", ""])(
    "refuses %j as bad-config",
    (p) => {
      expect(() => vendorUrl({ baseUrl: "https://api.example.com" }, p)).toThrowError(expect.objectContaining({ name: "VendorError", failure: "bad-config" }));
    },
  );

  it("keeps the app's origin and sets the query", () => {
    const u = vendorUrl({ baseUrl: "https://api.example.com" }, "/cgi-bin/token", { appid: "a&b", secret: "s" });
    expect(u.href).toBe("https://api.example.com/cgi-bin/token?appid=a%26b&secret=s");
  });

  it("refuses a base URL that is not http(s)", () => {
    expect(() => vendorUrl({ baseUrl: "file:///etc/" }, "/passwd")).toThrowError(expect.objectContaining({ failure: "bad-config" }));
  });

  it("is the only way vendor modules build URLs or send requests", () => {
    const dir = import.meta.dirname;
    const modules = readdirSync(dir).filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts") && f !== "http.ts");
    expect(modules).toEqual(expect.arrayContaining(["wechat.ts", "feishu.ts", "faceid.ts", "yzb.ts"]));
    for (const f of modules) {
      const src = readFileSync(path.join(dir, f), "utf8");
      expect(src, f).not.toMatch(/new URL\(|fetch\(|node:https?/);
    }
  });
});

describe("no call leaves the app's origin", () => {
  it.each(Object.entries(VENDOR_CALLS))("%s: a base URL that is not http(s) is bad-config, nothing sent", async (_name, call) => {
    const err = await vendorFailure(call(ctx({ baseUrl: "file:///tmp/" })));
    expect(err.failure).toBe("bad-config");
  });

  it("yzb: a token path naming another host is refused before any request; the secret goes nowhere", async () => {
    elsewhere.seen.length = 0;
    for (const tokenPath of [`//127.0.0.1:${elsewhere.port}/exfil`, `/\\127.0.0.1:${elsewhere.port}/exfil`, `/x/../..//127.0.0.1:${elsewhere.port}/exfil`]) {
      const err = await vendorFailure(fetchYzbAccessToken(ctx(), tokenPath));
      expect(err.failure).toBe("bad-config");
    }
    expect(elsewhere.seen).toHaveLength(0);
  });

  it("upstream itself refuses a URL off the app's origin: recorded as bad-config, nothing sent", async () => {
    elsewhere.seen.length = 0;
    const records: CallRecord[] = [];
    const err = await vendorFailure(
      upstream(ctx({}, records), {
        endpoint: "/exfil",
        method: "POST",
        url: new URL(`${elsewhere.origin}/exfil`),
        body: { secret: "demo-yzb-secret" },
        secrets: ["demo-yzb-secret"],
      }),
    );
    expect(err.failure).toBe("bad-config");
    expect(records).toMatchObject([{ endpoint: "/exfil", errorClass: "bad-config", httpStatus: null }]);
    expect(elsewhere.seen).toHaveLength(0);
  });
});

describe("redirects are failures, not followed", () => {
  it.each([302, 307])("HTTP %i: every vendor's call fails and the Location gets nothing", async (status) => {
    redirectStatus = status;
    elsewhere.seen.length = 0;
    redirecting.seen.length = 0;
    for (const [name, call] of Object.entries(VENDOR_CALLS)) {
      const records: CallRecord[] = [];
      const err = await vendorFailure(call(ctx({}, records)));
      expect(err.message, name).toMatch(/redirect/);
      expect(records, name).toMatchObject([{ errorClass: "bad-response", vendorMessage: expect.stringMatching(/redirect: not followed/) }]);
    }
    expect(redirecting.seen).toHaveLength(Object.keys(VENDOR_CALLS).length);
    expect(elsewhere.seen).toHaveLength(0);
  });
});

describe("a vendor's answer is read up to MAX_ANSWER_BYTES", () => {
  // A token answer padded to `bytes`, sent in chunks; `declare`: with its Content-Length (else chunked, unannounced).
  let bytes = 0;
  let declare = true;
  let status = 200;
  /** Whether the last answer's connection closed before all of it was sent. */
  let cutShort: boolean | null = null;
  const padded = listener((_q, r) => {
    const head = '{"status":"2000","data":{"access_token":"t","expires_in":7200},"pad":"';
    const body = Buffer.from(`${head}${"x".repeat(Math.max(0, bytes - head.length - 2))}"}`);
    r.writeHead(status, { "content-type": "application/json", ...(declare ? { "content-length": body.length } : {}) });
    let sent = 0;
    cutShort = null;
    r.on("close", () => {
      cutShort = !r.writableFinished;
    });
    const step = 16 * 1024;
    const next = () => {
      if (sent >= body.length || r.destroyed) return void r.end();
      const chunk = body.subarray(sent, sent + step);
      sent += chunk.length;
      if (r.write(chunk)) setImmediate(next);
      else r.once("drain", next);
    };
    next();
  });
  const yzb = (records: CallRecord[]) => fetchYzbAccessToken(ctx({ baseUrl: padded.origin }, records));

  it("a larger one (announced or not) is a bad-response, recorded, and the rest is not read", async () => {
    status = 200;
    for (const announced of [true, false]) {
      bytes = 128 * MAX_ANSWER_BYTES;
      declare = announced;
      const records: CallRecord[] = [];
      const err = await vendorFailure(yzb(records));
      expect(err).toMatchObject({ failure: "bad-response" });
      expect(records).toMatchObject([{ errorClass: "bad-response", httpStatus: 200, vendorMessage: expect.stringMatching(/more than 64 KiB: not read/) }]);
      // The connection was let go before the 8 MiB were all sent.
      await vi.waitFor(() => expect(cutShort, `announced: ${announced}`).toBe(true), { timeout: 5_000, interval: 20 });
    }
  });

  it("a large 5xx page is still the vendor's server error (network, with its status)", async () => {
    status = 502;
    bytes = 4 * MAX_ANSWER_BYTES;
    declare = true;
    const records: CallRecord[] = [];
    expect(await vendorFailure(yzb(records))).toMatchObject({ failure: "network" });
    expect(records).toMatchObject([{ errorClass: "network", httpStatus: 502, vendorMessage: "HTTP 502 from the vendor" }]);
    status = 200;
  });

  it("one within it is read whole", async () => {
    bytes = MAX_ANSWER_BYTES - 100;
    declare = false;
    const records: CallRecord[] = [];
    expect(await yzb(records)).toMatchObject({ value: "t", expiresIn: 7200 });
  });
});
