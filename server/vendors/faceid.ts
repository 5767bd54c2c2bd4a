import "server-only";
import { z } from "zod";
import { faceidUserId } from "@/lib/faceid-user-id";
import { parseJson, upstream, vendorUrl } from "./http";
import { lenientCode, lenientSeconds } from "./lenient";
import { VendorError, type FailureClass, type Fetched, type VendorContext } from "./types";

// Tencent Cloud FaceID (人脸核身): /api/oauth2/access_token and /api/oauth2/api_ticket (SIGN, NONCE).

const envelope = z.object({ code: lenientCode, msg: z.string().optional().default("") }).loose();
const tokenBody = envelope.extend({
  access_token: z.string().min(1),
  expire_in: lenientSeconds,
  expire_time: z.union([z.string(), z.number()]).transform(String).optional(),
  transactionTime: z.string().optional(),
});
const ticketBody = envelope.extend({
  tickets: z
    .array(
      z
        .object({
          value: z.string().min(1),
          expire_in: lenientSeconds,
          expire_time: z.union([z.string(), z.number()]).transform(String).optional(),
        })
        .loose(),
    )
    .length(1, { error: "tickets must hold exactly one ticket" }),
});

/**
 * The seed documents point to the SaaS error-code table without reproducing it, so a non-zero
 * code is classified by the codes the sandbox uses and, failing that, by what its message names.
 */
export function classifyFaceid(code: string, msg: string): FailureClass {
  if (["400101", "400102", "400103"].includes(code) || /access_token|token.*(过期|失效|invalid|expired)/i.test(msg)) {
    return "invalid-credential";
  }
  if (code === "400104" || /secret|app_?id|白名单|whitelist/i.test(msg)) return "bad-config";
  if (code === "400105" || /频繁|too many|rate/i.test(msg)) return "rate-limited";
  if (code === "400106" || /次数|quota|limit exceeded/i.test(msg)) return "quota-exhausted";
  if (code === "-1" || /繁忙|busy/i.test(msg)) return "busy";
  return "bad-response";
}

async function call<S extends z.ZodType>(ctx: VendorContext, url: URL, endpoint: string, secrets: string[], schema: S): Promise<z.infer<S>> {
  const { res, finish } = await upstream(ctx, { endpoint, method: "GET", url, secrets });
  const json = parseJson(res.text);
  const head = envelope.safeParse(json);
  if (head.success && head.data.code !== "0") {
    const failure = classifyFaceid(head.data.code, head.data.msg);
    await finish({ vendorCode: head.data.code, vendorMessage: head.data.msg, errorClass: failure });
    throw new VendorError(failure, `FaceID ${head.data.code}: ${head.data.msg}`, { httpStatus: res.status, vendorCode: head.data.code });
  }
  const ok = schema.safeParse(json);
  if (!ok.success) {
    const why = json === undefined ? `not JSON (content-type ${res.contentType || "none"})` : (ok.error.issues[0]?.message ?? "unexpected fields");
    await finish({ errorClass: "bad-response", vendorMessage: why });
    throw new VendorError("bad-response", `FaceID answered with a body that is ${why}`, { httpStatus: res.status });
  }
  await finish({ vendorCode: "0", vendorMessage: head.success ? head.data.msg : null });
  return ok.data;
}

export async function fetchFaceidAccessToken(ctx: VendorContext): Promise<Fetched> {
  const url = vendorUrl(ctx, "/api/oauth2/access_token", { app_id: ctx.appId, secret: ctx.secret, grant_type: "client_credential", version: "1.0.0" });
  const data = await call(ctx, url, "/api/oauth2/access_token", [ctx.secret], tokenBody);
  return { value: data.access_token, expiresIn: data.expire_in, vendorExpireTime: data.expire_time };
}

/** `user_id` rule of the NONCE document (shared with the browser). */
export { faceidUserId };

/** A SIGN ticket, or with `userId` a single-use NONCE ticket. */
export async function fetchFaceidTicket(ctx: VendorContext, accessToken: string, opts: { type: "SIGN" } | { type: "NONCE"; userId: string }): Promise<Fetched> {
  const query: Record<string, string> = { app_id: ctx.appId, access_token: accessToken, type: opts.type, version: "1.0.0" };
  if (opts.type === "NONCE") query.user_id = faceidUserId.parse(opts.userId);
  const url = vendorUrl(ctx, "/api/oauth2/api_ticket", query);
  const data = await call(ctx, url, "/api/oauth2/api_ticket", [ctx.secret, accessToken], ticketBody);
  const t = data.tickets[0]!;
  return { value: t.value, expiresIn: t.expire_in, vendorExpireTime: t.expire_time };
}
