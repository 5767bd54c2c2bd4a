import "server-only";
import { z } from "zod";
import { parseJson, upstream, vendorUrl } from "./http";
import { lenientCode, lenientSeconds } from "./lenient";
import { VendorError, type FailureClass, type Fetched, type VendorContext } from "./types";

// Feishu / Lark: tenant_access_token (internal app) and POST /open-apis/jssdk/ticket/get.

const envelope = z.object({ code: lenientCode, msg: z.string().optional().default("") }).loose();
const tokenBody = envelope.extend({ tenant_access_token: z.string().min(1), expire: lenientSeconds });
const ticketBody = envelope.extend({ data: z.object({ ticket: z.string().min(1), expire_in: lenientSeconds }).loose() });

export function classifyFeishu(code: string, httpStatus: number): FailureClass {
  if (httpStatus === 429 || code === "99991400") return "rate-limited";
  if (["99991663", "99991664", "99991671", "99991668", "99991661"].includes(code)) return "invalid-credential";
  if (["10003", "10014", "99991401", "99991543"].includes(code)) return "bad-config";
  if (code === "99991672") return "bad-config"; // the app lacks the permission
  return "bad-response";
}

async function call<S extends z.ZodType>(
  ctx: VendorContext,
  req: { endpoint: string; url: URL; body: unknown; headers?: Record<string, string>; secrets: string[] },
  schema: S,
): Promise<z.infer<S>> {
  const { res, finish } = await upstream(ctx, { ...req, method: "POST" });
  const json = parseJson(res.text);
  const head = envelope.safeParse(json);
  if ((head.success && head.data.code !== "0") || res.status === 429) {
    const code = head.success ? head.data.code : String(res.status);
    const msg = head.success ? head.data.msg : `HTTP ${res.status}`;
    const failure = classifyFeishu(code, res.status);
    // Feishu says how long to wait in x-ogw-ratelimit-reset (seconds).
    const reset = Number(res.headers.get("x-ogw-ratelimit-reset"));
    const retryAfterMs = failure === "rate-limited" ? (Number.isFinite(reset) && reset > 0 ? reset * 1000 : 60_000) : undefined;
    await finish({ vendorCode: code, vendorMessage: msg, errorClass: failure });
    throw new VendorError(failure, `Feishu ${code}: ${msg}`, { httpStatus: res.status, vendorCode: code, retryAfterMs });
  }
  const ok = schema.safeParse(json);
  if (!ok.success) {
    const why = json === undefined ? `not JSON (content-type ${res.contentType || "none"})` : (ok.error.issues[0]?.message ?? "unexpected fields");
    await finish({ errorClass: "bad-response", vendorMessage: why });
    throw new VendorError("bad-response", `Feishu answered with a body that is ${why}`, { httpStatus: res.status });
  }
  await finish({ vendorCode: "0", vendorMessage: head.success ? head.data.msg : null });
  return ok.data;
}

/** `expire` is the remaining lifetime: with ≥30 min left Feishu returns the same token again. */
export async function fetchFeishuTenantToken(ctx: VendorContext): Promise<Fetched> {
  const endpoint = "/open-apis/auth/v3/tenant_access_token/internal";
  const data = await call(
    ctx,
    { endpoint, url: vendorUrl(ctx, endpoint), body: { app_id: ctx.appId, app_secret: ctx.secret }, secrets: [ctx.secret] },
    tokenBody,
  );
  return { value: data.tenant_access_token, expiresIn: data.expire };
}

export async function fetchFeishuJsapiTicket(ctx: VendorContext, tenantToken: string): Promise<Fetched> {
  const endpoint = "/open-apis/jssdk/ticket/get";
  const data = await call(
    ctx,
    {
      endpoint,
      url: vendorUrl(ctx, endpoint),
      body: {},
      headers: { authorization: `Bearer ${tenantToken}` },
      secrets: [ctx.secret, tenantToken],
    },
    ticketBody,
  );
  return { value: data.data.ticket, expiresIn: data.data.expire_in };
}
