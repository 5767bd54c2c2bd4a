import "server-only";
import { z } from "zod";
import { parseJson, upstream, vendorUrl } from "./http";
import { lenientCode, lenientInt, lenientSeconds } from "./lenient";
import { VendorError, type FailureClass, type Fetched, type VendorContext } from "./types";

// yzb open platform 「更多應用」: /OAuth2/ticket, /OAuth2/checkCode, /OAuth2/token, and the server
// access token, whose path the document does not give (configurable per app, DEFAULT_TOKEN_PATH here).

export const DEFAULT_TOKEN_PATH = "/OAuth2/accessToken";

// `status` comes as 2000 or "2000"; errors carry `data: []`.
const envelope = z.object({ status: lenientCode, message: z.string().optional().default(""), data: z.unknown().optional() }).loose();
const tokenData = z.object({ access_token: z.string().min(1), expires_in: lenientSeconds }).loose();
// "請預留 128 位長度的存儲空間" asks us to reserve room for 128 characters, not to refuse longer ones.
const ticketData = z.object({ ticket: z.string().min(1), expires_in: lenientSeconds }).loose();
// checkCode: here `expires_in` is an absolute unix time, not a duration.
const checkData = z.object({ expires_in: lenientInt }).loose();
const openIdData = z.object({ open_id: z.string().min(1) }).loose();

export function classifyYzb(status: string, endpoint: "token" | "ticket" | "other"): FailureClass {
  if (status === "4102") return endpoint === "token" ? "bad-config" : "invalid-credential";
  if (status === "4290" || status === "429") return "rate-limited";
  if (status === "5000" || status === "5030") return "busy";
  if (status.startsWith("4")) return "bad-config";
  return "bad-response";
}

type Envelope = z.infer<typeof envelope>;

async function call(
  ctx: VendorContext,
  endpoint: string,
  body: Record<string, string>,
  secrets: string[],
  kind: "token" | "ticket" | "other",
): Promise<Envelope & { httpStatus: number }> {
  const { res, finish } = await upstream(ctx, { endpoint, method: "POST", url: vendorUrl(ctx, endpoint), body, secrets });
  const head = envelope.safeParse(parseJson(res.text));
  if (!head.success) {
    const why = parseJson(res.text) === undefined ? `not JSON (content-type ${res.contentType || "none"})` : "missing status";
    await finish({ errorClass: "bad-response", vendorMessage: why });
    throw new VendorError("bad-response", `yzb answered with a body that is ${why}`, { httpStatus: res.status });
  }
  const { status, message } = head.data;
  // checkCode's "4102 = invalid" is an answer, not a failure of the call.
  if (status !== "2000" && !(kind === "other" && status === "4102")) {
    const failure = classifyYzb(status, kind);
    await finish({ vendorCode: status, vendorMessage: message, errorClass: failure });
    throw new VendorError(failure, `yzb ${status}: ${message}`, { httpStatus: res.status, vendorCode: status });
  }
  await finish({ vendorCode: status, vendorMessage: message });
  return { ...head.data, httpStatus: res.status };
}

function dataOf<S extends z.ZodType>(env: Envelope, schema: S, what: string): z.infer<S> {
  const ok = schema.safeParse(env.data);
  if (!ok.success) throw new VendorError("bad-response", `yzb ${what}: ${ok.error.issues[0]?.message ?? "unexpected data"}`);
  return ok.data;
}

export async function fetchYzbAccessToken(ctx: VendorContext, tokenPath = DEFAULT_TOKEN_PATH): Promise<Fetched> {
  const env = await call(ctx, tokenPath, { app_id: ctx.appId, secret: ctx.secret, grant_type: "client_credential" }, [ctx.secret], "token");
  const d = dataOf(env, tokenData, "access token");
  return { value: d.access_token, expiresIn: d.expires_in };
}

export async function fetchYzbJsTicket(ctx: VendorContext, accessToken: string): Promise<Fetched> {
  const env = await call(ctx, "/OAuth2/ticket", { app_id: ctx.appId, access_token: accessToken, type: "js_ticket" }, [ctx.secret, accessToken], "ticket");
  const d = dataOf(env, ticketData, "js_ticket");
  return { value: d.ticket, expiresIn: d.expires_in };
}

export type CheckResult = { valid: true; expiresAt: Date } | { valid: false; message: string };

/** The vendor's own check: is this access token or js_ticket still valid, and until when. */
export async function checkYzbCode(ctx: VendorContext, args: { type: "access_token" | "js_ticket"; code: string; openId?: string }): Promise<CheckResult> {
  const body: Record<string, string> = { app_id: ctx.appId, type: args.type, code: args.code };
  if (args.openId) body.open_id = args.openId;
  const env = await call(ctx, "/OAuth2/checkCode", body, [ctx.secret, args.code], "other");
  if (env.status === "4102") return { valid: false, message: env.message };
  return { valid: true, expiresAt: new Date(dataOf(env, checkData, "checkCode").expires_in * 1000) };
}

/** Exchanges a page's one-time auth code for the user's open_id (forwarded, nothing cached). */
export async function exchangeYzbAuthCode(ctx: VendorContext, code: string): Promise<{ openId: string; data: Record<string, unknown> } | { invalid: string }> {
  const env = await call(ctx, "/OAuth2/token", { app_id: ctx.appId, secret: ctx.secret, grant_type: "authorization_code", code }, [ctx.secret, code], "other");
  if (env.status === "4102") return { invalid: env.message };
  const data = dataOf(env, openIdData, "token");
  return { openId: data.open_id, data };
}
