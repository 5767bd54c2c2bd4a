import { z } from "zod";
import { guarded } from "@/server/http/guard";
import { json, problem } from "@/server/http/problem";
import { clearQuota } from "@/server/quota/clear-quota";

const paramsSchema = z.object({ id: z.string().regex(/^[a-z0-9]{1,64}$/i) }).strict();

/** POST /api/apps/:id/clear-quota (no body): WeChat's clear_quota for the app, then its paused credentials refresh (admin; audited). */
export const POST = guarded("admin", "POST /api/apps/:id/clear-quota", async (_req: Request, ctx: { params: Promise<{ id: string }> }, user) => {
  const params = paramsSchema.safeParse(await ctx.params);
  if (!params.success) return problem(400, "Invalid app id", "id: must be 1–64 letters or digits", { field: "id" });
  return json(await clearQuota({ appRef: params.data.id, actor: user.username }));
});
