import { reportRefused } from "@/server/http/consumer";

/** POST /api/v1/apps/:vendor/:appId/:kind/refused {generation} (API key): refresh only if that value is still current. */
export async function POST(req: Request, ctx: { params: Promise<{ vendor: string; appId: string; kind: string }> }) {
  return reportRefused(req, await ctx.params);
}
