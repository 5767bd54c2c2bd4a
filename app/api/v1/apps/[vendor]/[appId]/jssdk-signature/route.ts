import { signForPage } from "@/server/http/consumer";

/** POST /api/v1/apps/:vendor/:appId/jssdk-signature (API key): {url, timestamp?, nonceStr?} → the page's wx.config values. */
export async function POST(req: Request, ctx: { params: Promise<{ vendor: string; appId: string }> }) {
  return signForPage(req, await ctx.params);
}
