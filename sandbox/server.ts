// The vendor sandbox: a real HTTP server that answers like the vendors' documented endpoints,
// with a control API under /__sandbox for counters, fault injection and its clock.
import http from "node:http";
import { DEMO_APPS } from "../lib/demo-apps";
import { FAULT_MODES, SandboxState, type Fault, type FaultMode, type Vendor } from "./state";
import { faceidRoutes, consumeNonce } from "./faceid";
import { feishuRoutes } from "./feishu";
import { wechatRoutes } from "./wechat";
import { mintYzbAuthCode, yzbRoutes } from "./yzb";
import type { Handler } from "./handler";

const VENDOR_ROUTES: Record<Vendor, Record<string, Handler>> = {
  wechat: wechatRoutes,
  feishu: feishuRoutes,
  faceid: faceidRoutes,
  yzb: yzbRoutes,
};

type FaultReply = { status: number; body: unknown; headers?: Record<string, string> };
const ok200 = (body: unknown): FaultReply => ({ status: 200, body });

/** What each vendor sends for an injected business-level fault. */
const FAULT_BODIES: Record<Vendor, Partial<Record<FaultMode, FaultReply>>> = {
  wechat: {
    busy: ok200({ errcode: -1, errmsg: "system error" }),
    "invalid-credential": ok200({ errcode: 40001, errmsg: "invalid credential, access_token is invalid or not latest" }),
    quota: ok200({ errcode: 45009, errmsg: "reach max api daily quota limit" }),
    "rate-limited": ok200({ errcode: 45011, errmsg: "api minute-quota reach limit  mustslower  retry next minute" }),
    "bad-config": ok200({ errcode: 40164, errmsg: "invalid ip 203.0.113.9, not in whitelist" }),
  },
  feishu: {
    busy: { status: 500, body: { code: 1000004, msg: "internal error, please retry" } },
    "invalid-credential": { status: 400, body: { code: 99991663, msg: "Invalid access token for authorization." } },
    "rate-limited": { status: 429, body: { code: 99991400, msg: "request trigger frequency limit" }, headers: { "x-ogw-ratelimit-reset": "2" } },
    "bad-config": { status: 400, body: { code: 10014, msg: "app secret invalid" } },
  },
  faceid: {
    busy: ok200({ code: "-1", msg: "系统繁忙, 请稍后再试" }),
    "invalid-credential": ok200({ code: "400103", msg: "access_token 不存在或已过期" }),
    quota: ok200({ code: "400106", msg: "调用次数超过限制" }),
    "rate-limited": ok200({ code: "400105", msg: "请求过于频繁" }),
    "bad-config": ok200({ code: "400104", msg: "secret 错误" }),
  },
  yzb: {
    busy: ok200({ status: "5000", message: "server busy", data: [] }),
    "invalid-credential": ok200({ status: "4102", message: "server_access_token is invalid", data: [] }),
    "rate-limited": ok200({ status: "4290", message: "too many requests", data: [] }),
    "bad-config": ok200({ status: "4001", message: "app_id is invalid", data: [] }),
  },
};

function route(method: string, path: string): { vendor: Vendor; key: string; handler: Handler } | null {
  for (const vendor of Object.keys(VENDOR_ROUTES) as Vendor[]) {
    const handler = VENDOR_ROUTES[vendor][`${method} ${path}`];
    if (handler) return { vendor, key: `${vendor} ${path}`, handler };
  }
  return null;
}

function stringifyNumbers(v: unknown): unknown {
  if (typeof v === "number") return String(v);
  if (Array.isArray(v)) return v.map(stringifyNumbers);
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, stringifyNumbers(x)]));
  return v;
}

async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > 1_000_000) throw new Error("body too large");
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** A vendor's success: HTTP 200 and no error code (WeChat `errcode` 0 or absent, Feishu `code` 0, FaceID `code` "0", yzb `status` "2000"). */
function answeredWithValue(reply: FaultReply): boolean {
  if (reply.status !== 200 || !reply.body || typeof reply.body !== "object") return false;
  const b = reply.body as Record<string, unknown>;
  return [b.errcode, b.code].every((c) => c === undefined || String(c) === "0") && (b.status === undefined || String(b.status) === "2000");
}

function send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
  res.end(text);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function createSandbox(state = new SandboxState()) {
  // Registered unless remembered from before a restart (the secret may have changed since).
  for (const app of DEMO_APPS) if (!state.app(app.vendor, app.appId)) state.setApp(app.vendor, app.appId, app.secret);

  async function control(method: string, path: string, body: unknown, res: http.ServerResponse) {
    const b = (body ?? {}) as Record<string, unknown>;
    if (method === "GET" && path === "/__sandbox/stats") {
      return send(res, 200, { calls: state.calls, callLog: state.callLog, inFlightMax: state.inFlightMax, clockOffsetMs: state.clockOffsetMs });
    }
    if (method === "POST" && path === "/__sandbox/reset") {
      state.resetCounters();
      if (b.faults !== false) state.faults.clear();
      return send(res, 200, { ok: true });
    }
    if (method === "POST" && path === "/__sandbox/faults") {
      const endpoint = b.endpoint;
      if (typeof endpoint !== "string" || !/^(wechat|feishu|faceid|yzb) \//.test(endpoint)) {
        return send(res, 400, { error: 'endpoint: must look like "wechat /cgi-bin/token"' });
      }
      const mode = b.mode ?? null;
      if (mode !== null && !FAULT_MODES.includes(mode as FaultMode)) {
        return send(res, 400, { error: `mode: must be one of ${FAULT_MODES.join(", ")} or null` });
      }
      const fault: Fault = {
        mode: mode as FaultMode | null,
        latencyMs: typeof b.latencyMs === "number" && b.latencyMs >= 0 ? b.latencyMs : 0,
        remaining: typeof b.times === "number" && b.times > 0 ? b.times : null,
      };
      state.faults.set(endpoint, fault);
      return send(res, 200, { ok: true, endpoint, fault });
    }
    if (method === "DELETE" && path === "/__sandbox/faults") {
      state.faults.clear();
      return send(res, 200, { ok: true });
    }
    if (method === "POST" && path === "/__sandbox/clock") {
      if (typeof b.advanceSeconds === "number") state.clockOffsetMs += b.advanceSeconds * 1000;
      else if (typeof b.offsetSeconds === "number") state.clockOffsetMs = b.offsetSeconds * 1000;
      else return send(res, 400, { error: "advanceSeconds or offsetSeconds: a number is required" });
      state.changed();
      return send(res, 200, { ok: true, clockOffsetMs: state.clockOffsetMs });
    }
    if (method === "POST" && path === "/__sandbox/valid") {
      // Is this value (token or ticket) accepted by the vendor right now? For tests.
      if (typeof b.value !== "string" || !["wechat", "feishu", "faceid", "yzb"].includes(b.vendor as string)) {
        return send(res, 400, { error: "vendor and value are required" });
      }
      // `at` (ISO time): was it valid then? Lets a test judge a value at the moment it was served.
      const at = typeof b.at === "string" && !Number.isNaN(Date.parse(b.at)) ? Date.parse(b.at) : state.now();
      const it = state.valid(b.value, b.vendor as Vendor, undefined, at);
      return send(res, 200, {
        valid: it !== null,
        kind: it?.kind ?? null,
        expiresAt: it ? new Date(it.expiresAt).toISOString() : null,
        at: new Date(at).toISOString(),
      });
    }
    if (method === "POST" && path === "/__sandbox/apps") {
      const { vendor, appId, secret } = b;
      if (!["wechat", "feishu", "faceid", "yzb"].includes(vendor as string) || typeof appId !== "string" || typeof secret !== "string" || !appId || !secret) {
        return send(res, 400, { error: "vendor, appId and secret are required" });
      }
      state.setApp(vendor as Vendor, appId, secret);
      return send(res, 200, { ok: true });
    }
    if (method === "GET" && path === "/__sandbox/issued") {
      // Every token and ticket issued so far (tests grep stored data and logs for them).
      // Those issued before a restart are remembered by digest only: their run listed them.
      return send(res, 200, { values: state.issuedValues() });
    }
    if (method === "POST" && path === "/__sandbox/next-value") {
      // The next value this endpoint issues (e.g. the ticket of WeChat's documented signature example).
      if (b.endpoint !== "wechat /cgi-bin/ticket/getticket" || typeof b.value !== "string" || !b.value) {
        return send(res, 400, { error: 'endpoint: "wechat /cgi-bin/ticket/getticket" and value: a string are required' });
      }
      state.nextValues.set(b.endpoint, [...(state.nextValues.get(b.endpoint) ?? []), b.value]);
      return send(res, 200, { ok: true });
    }
    if (method === "POST" && path === "/__sandbox/next-lifetime") {
      // The lifetime (expires_in, seconds) of the next value this endpoint issues.
      const ok = Number.isInteger(b.expiresIn) && (b.expiresIn as number) >= 1 && (b.expiresIn as number) <= 86_400;
      if (b.endpoint !== "wechat /cgi-bin/ticket/getticket" || !ok) {
        return send(res, 400, { error: 'endpoint: "wechat /cgi-bin/ticket/getticket" and expiresIn: whole seconds (1-86400) are required' });
      }
      state.nextLifetimes.set(b.endpoint, [...(state.nextLifetimes.get(b.endpoint) ?? []), b.expiresIn as number]);
      return send(res, 200, { ok: true });
    }
    if (method === "POST" && path === "/__sandbox/faceid/nonce/use") {
      if (typeof b.ticket !== "string") return send(res, 400, { error: "ticket: a string is required" });
      const used = consumeNonce(state, b.ticket);
      return send(res, used.ok ? 200 : 409, used);
    }
    if (method === "POST" && path === "/__sandbox/yzb/auth-code") {
      if (typeof b.appId !== "string" || !state.app("yzb", b.appId)) return send(res, 400, { error: "appId: a registered yzb app is required" });
      return send(res, 200, mintYzbAuthCode(b.appId, typeof b.openId === "string" ? b.openId : undefined));
    }
    return send(res, 404, { error: `no control endpoint ${method} ${path}` });
  }

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://sandbox");
    const method = req.method ?? "GET";
    let raw = "";
    try {
      raw = await readBody(req);
    } catch {
      return send(res, 413, { error: "body too large" });
    }
    let json: unknown;
    try {
      json = raw ? JSON.parse(raw) : undefined;
    } catch {
      json = undefined;
    }
    const isForm = String(req.headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded");
    const body =
      json && typeof json === "object" && !Array.isArray(json)
        ? (json as Record<string, unknown>)
        : isForm
          ? Object.fromEntries(new URLSearchParams(raw))
          : undefined;
    if (url.pathname.startsWith("/__sandbox/")) return control(method, url.pathname, json, res);

    const found = route(method, url.pathname);
    if (!found) return send(res, 404, { errcode: 404, errmsg: `no such endpoint ${method} ${url.pathname}` });
    const { vendor, key, handler } = found;
    state.calls[key] = (state.calls[key] ?? 0) + 1;
    state.inFlight[key] = (state.inFlight[key] ?? 0) + 1;
    state.inFlightMax[key] = Math.max(state.inFlightMax[key] ?? 0, state.inFlight[key]!);
    const call = { at: state.now(), ok: false };
    (state.callLog[key] ??= []).push(call);
    try {
      const fault = state.faults.get(key);
      if (fault?.latencyMs) await sleep(fault.latencyMs);
      const mode = fault?.mode ?? null;
      if (fault && mode && fault.remaining !== null) {
        fault.remaining -= 1;
        if (fault.remaining <= 0) state.faults.delete(key);
      }
      if (mode === "timeout") {
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, 120_000);
          res.on("close", () => {
            clearTimeout(t);
            resolve();
          });
        });
        if (!res.writableEnded) res.destroy();
        return;
      }
      if (mode === "http-500") return send(res, 500, "Internal Server Error", { "content-type": "text/plain" });
      if (mode === "malformed") return send(res, 200, '{"errcode":0,"errmsg":"ok","ticket":');
      if (mode === "wrong-content-type") return send(res, 200, "<html><body>502 Bad Gateway</body></html>", { "content-type": "text/html" });
      const faultReply = mode ? FAULT_BODIES[vendor][mode] : undefined;
      if (faultReply) return send(res, faultReply.status, faultReply.body, faultReply.headers);
      const reply = await handler(state, { method, path: url.pathname, query: url.searchParams, headers: req.headers, body });
      call.ok = answeredWithValue(reply);
      return send(res, reply.status, mode === "string-numbers" ? stringifyNumbers(reply.body) : reply.body, reply.headers);
    } finally {
      state.inFlight[key] = (state.inFlight[key] ?? 1) - 1;
    }
  });
  return { server, state };
}
