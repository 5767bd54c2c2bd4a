import { z } from "zod";
import { guarded } from "@/server/http/guard";
import { setAppEnabled } from "@/server/apps/manage-apps";
import { invalidInput, json, problem } from "@/server/http/problem";
import { readJson } from "@/server/http/body";

const paramsSchema = z.object({ id: z.string().regex(/^[a-z0-9]{1,64}$/i) }).strict();
const bodySchema = z.object({ enabled: z.boolean({ error: "must be true or false" }) }).strict();

/** PUT /api/apps/:id/enabled {enabled}: disable or enable an app (nothing is deleted). */
export const PUT = guarded("admin", "PUT /api/apps/:id/enabled", async (req: Request, ctx: { params: Promise<{ id: string }> }, user) => {
  const params = paramsSchema.safeParse(await ctx.params);
  if (!params.success) return problem(400, "Invalid app id", "id: must be 1–64 letters or digits", { field: "id" });
  const raw = await readJson(req);
  const body = bodySchema.safeParse(raw);
  if (!body.success) return invalidInput(body.error, "body", ["enabled"]);
  return json({ app: await setAppEnabled({ id: params.data.id, enabled: body.data.enabled, actor: user.username }) });
});
