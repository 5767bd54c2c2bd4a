import { readCredential } from "@/server/http/consumer";

/** GET /api/v1/apps/:vendor/:appId/:kind (API key): the current credential; ETag / If-None-Match. */
export async function GET(req: Request, ctx: { params: Promise<{ vendor: string; appId: string; kind: string }> }) {
  return readCredential(req, await ctx.params);
}
