import "server-only";
import type { CredentialKind, VendorId } from "@/lib/credential-kinds";
import { fetchFaceidAccessToken, fetchFaceidTicket } from "./faceid";
import { fetchFeishuJsapiTicket, fetchFeishuTenantToken } from "./feishu";
import { fetchWechatAccessToken, fetchWechatTicket } from "./wechat";
import { fetchYzbAccessToken, fetchYzbJsTicket } from "./yzb";
import { VendorError, type Fetched, type VendorContext } from "./types";

type TicketFetcher = (ctx: VendorContext, token: string) => Promise<Fetched>;

const TOKENS: Record<VendorId, (ctx: VendorContext) => Promise<Fetched>> = {
  wechat: (ctx) => fetchWechatAccessToken(ctx),
  feishu: fetchFeishuTenantToken,
  faceid: fetchFaceidAccessToken,
  yzb: (ctx) => fetchYzbAccessToken(ctx, ctx.tokenPath ?? undefined),
};

const TICKETS: Record<VendorId, Partial<Record<CredentialKind, TicketFetcher>>> = {
  wechat: {
    jsapi_ticket: (ctx, t) => fetchWechatTicket(ctx, t, "jsapi"),
    wx_card_ticket: (ctx, t) => fetchWechatTicket(ctx, t, "wx_card"),
  },
  feishu: { jsapi_ticket: fetchFeishuJsapiTicket },
  faceid: { sign_ticket: (ctx, t) => fetchFaceidTicket(ctx, t, { type: "SIGN" }) },
  yzb: { js_ticket: fetchYzbJsTicket },
};

/** Fetches one stored credential from its vendor; `parentValue` is the access token for tickets. */
export async function fetchFromVendor(vendor: VendorId, kind: CredentialKind, ctx: VendorContext, parentValue: string | null): Promise<Fetched> {
  if (kind === "access_token") return TOKENS[vendor](ctx);
  const fetcher = TICKETS[vendor][kind];
  if (!fetcher) throw new VendorError("bad-config", `${vendor} has no ${kind}`);
  if (!parentValue) throw new VendorError("bad-config", `a ${vendor} ${kind} needs an access token`);
  return fetcher(ctx, parentValue);
}
