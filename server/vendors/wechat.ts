import "server-only";
import { z } from "zod";
import { parseJson, upstream, vendorUrl } from "./http";
import { lenientCode, lenientSeconds } from "./lenient";
import { VendorError, type FailureClass, type Fetched, type VendorContext } from "./types";

// https://developers.weixin.qq.com — /cgi-bin/token, /cgi-bin/stable_token, /cgi-bin/ticket/getticket.

const errorBody = z.object({ errcode: lenientCode, errmsg: z.string().optional().default("") }).loose();
const tokenBody = z.object({ access_token: z.string().min(1), expires_in: lenientSeconds }).loose();
/**
 * `-1`: the getticket document says "The system is busy, so the developer is asked to try again in
 * a few minutes" (系统繁忙，请稍候再试): retried after minutes, not the generic seconds-long backoff.
 */
export const WECHAT_BUSY_RETRY_MS = 3 * 60_000;

const ticketBody = z.object({ errcode: lenientCode.optional(), ticket: z.string().min(1), expires_in: lenientSeconds }).loose();

/** WeChat's error codes, by what the lifecycle engine should do about them. */
export function classifyWechat(code: string, endpoint: "token" | "ticket"): FailureClass {
  switch (code) {
    case "-1":
      return "busy";
    case "40001":
      // On the token endpoint 40001 means the AppSecret is wrong; elsewhere the token is stale.
      return endpoint === "token" ? "bad-config" : "invalid-credential";
    case "40014":
    case "42001":
      return "invalid-credential";
    case "45009":
      return "quota-exhausted";
    case "45011":
      return "rate-limited";
    case "40013":
    case "40125":
    case "40164":
    case "41002":
    case "41004":
    case "40002":
      return "bad-config";
    default:
      return "bad-response";
  }
}

async function call(
  ctx: VendorContext,
  req: Parameters<typeof upstream>[1],
  kind: "token" | "ticket",
  schema: typeof tokenBody | typeof ticketBody,
): Promise<z.infer<typeof tokenBody> | z.infer<typeof ticketBody>> {
  const { res, finish } = await upstream(ctx, req);
  const json = parseJson(res.text);
  const err = errorBody.safeParse(json);
  if (err.success && err.data.errcode !== "0") {
    const failure = classifyWechat(err.data.errcode, kind);
    await finish({ vendorCode: err.data.errcode, vendorMessage: err.data.errmsg, errorClass: failure });
    throw new VendorError(failure, `WeChat ${err.data.errcode}: ${err.data.errmsg}`, {
      httpStatus: res.status,
      vendorCode: err.data.errcode,
      retryAfterMs: failure === "rate-limited" ? 60_000 : failure === "busy" ? WECHAT_BUSY_RETRY_MS : undefined,
    });
  }
  const ok = schema.safeParse(json);
  if (!ok.success) {
    const why = json === undefined ? `not JSON (content-type ${res.contentType || "none"})` : (ok.error.issues[0]?.message ?? "unexpected fields");
    await finish({ errorClass: "bad-response", vendorMessage: why });
    throw new VendorError("bad-response", `WeChat answered with a body that is ${why}`, { httpStatus: res.status });
  }
  await finish({ vendorCode: err.success ? err.data.errcode : "0", vendorMessage: err.success ? err.data.errmsg : "ok" });
  return ok.data;
}

/** Fetches an access token through the app's chosen endpoint ("token" or "stable_token"). */
export async function fetchWechatAccessToken(ctx: VendorContext, opts: { forceRefresh?: boolean } = {}): Promise<Fetched> {
  const stable = ctx.tokenVariant === "stable_token";
  const url = stable
    ? vendorUrl(ctx, "/cgi-bin/stable_token")
    : vendorUrl(ctx, "/cgi-bin/token", { grant_type: "client_credential", appid: ctx.appId, secret: ctx.secret });
  const data = (await call(
    ctx,
    {
      endpoint: stable ? "/cgi-bin/stable_token" : "/cgi-bin/token",
      method: stable ? "POST" : "GET",
      url,
      body: stable ? { grant_type: "client_credential", appid: ctx.appId, secret: ctx.secret, force_refresh: opts.forceRefresh ?? false } : undefined,
      secrets: [ctx.secret],
    },
    "token",
    tokenBody,
  )) as z.infer<typeof tokenBody>;
  return { value: data.access_token, expiresIn: data.expires_in };
}

/** Fetches a `jsapi` or `wx_card` ticket with the given access token. */
export async function fetchWechatTicket(ctx: VendorContext, accessToken: string, type: "jsapi" | "wx_card"): Promise<Fetched> {
  const url = vendorUrl(ctx, "/cgi-bin/ticket/getticket", { access_token: accessToken, type });
  const data = (await call(
    ctx,
    { endpoint: "/cgi-bin/ticket/getticket", method: "GET", url, secrets: [ctx.secret, accessToken] },
    "ticket",
    ticketBody,
  )) as z.infer<typeof ticketBody>;
  return { value: data.ticket, expiresIn: data.expires_in };
}

export const CLEAR_QUOTA_PATH = "/cgi-bin/clear_quota/v2";

/**
 * Resets the app's daily API call counters with its AppSecret (clearQuotaByAppSecret,
 * POST /cgi-bin/clear_quota/v2 with `appid` and `appsecret`; it works when the quota is so used up
 * that no access token can be had; at most 10 resets a month per account, `48006` past that).
 * The body carries the secret, so it never shows in a URL or a log line.
 */
export async function clearWechatQuota(ctx: VendorContext): Promise<void> {
  const { res, finish } = await upstream(ctx, {
    endpoint: CLEAR_QUOTA_PATH,
    method: "POST",
    url: vendorUrl(ctx, CLEAR_QUOTA_PATH),
    body: { appid: ctx.appId, appsecret: ctx.secret },
    secrets: [ctx.secret],
  });
  const err = errorBody.safeParse(parseJson(res.text));
  if (!err.success) {
    await finish({ errorClass: "bad-response", vendorMessage: "no errcode in the answer" });
    throw new VendorError("bad-response", "WeChat answered clear_quota without an errcode", { httpStatus: res.status });
  }
  const code = err.data.errcode;
  if (code !== "0") {
    const failure: FailureClass = code === "48006" ? "quota-exhausted" : code === "-1" ? "busy" : classifyWechat(code, "token");
    await finish({ vendorCode: code, vendorMessage: err.data.errmsg, errorClass: failure });
    throw new VendorError(failure, `WeChat ${code}: ${err.data.errmsg}`, { httpStatus: res.status, vendorCode: code });
  }
  await finish({ vendorCode: "0", vendorMessage: err.data.errmsg || "ok" });
}
