import "server-only";
import type { CredentialKind, VendorId } from "@/lib/credential-kinds";
import { fetchWechatAccessToken, fetchWechatTicket } from "./wechat";
import { VendorError, type Fetched, type VendorContext } from "./types";

/** Fetches one credential from its vendor; `parentValue` is the access token for tickets. */
export async function fetchFromVendor(
  vendor: VendorId,
  kind: CredentialKind,
  ctx: VendorContext,
  parentValue: string | null,
): Promise<Fetched> {
  if (vendor === "wechat") {
    if (kind === "access_token") return fetchWechatAccessToken(ctx);
    if (!parentValue) throw new VendorError("bad-config", "a WeChat ticket needs an access token");
    return fetchWechatTicket(ctx, parentValue, kind === "jsapi_ticket" ? "jsapi" : "wx_card");
  }
  throw new VendorError("bad-config", `${vendor} ${kind} is not supported yet`);
}
