import { handleProxy } from "@/server/http/proxy";

type Ctx = { params: Promise<{ vendor: string; path: string[] }> };

export async function GET(req: Request, ctx: Ctx) {
  return handleProxy(req, await ctx.params);
}

export async function POST(req: Request, ctx: Ctx) {
  return handleProxy(req, await ctx.params);
}
