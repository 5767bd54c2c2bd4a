import { z } from "zod";
import { guarded } from "@/server/http/guard";
import { updateApp } from "@/server/apps/manage-apps";
import { json, problem } from "@/server/http/problem";
import { readJson } from "@/server/http/body";

const paramsSchema = z.object({ id: z.string().regex(/^[a-z0-9]{1,64}$/i) }).strict();

/** PATCH /api/apps/:id with the whole form; an empty or missing secret keeps the stored one. */
export const PATCH = guarded("admin", "PATCH /api/apps/:id", async (req: Request, ctx: { params: Promise<{ id: string }> }, user) => {
  const params = paramsSchema.safeParse(await ctx.params);
  if (!params.success) return problem(400, "Invalid app id", "id: must be 1–64 letters or digits", { field: "id" });
  const raw = await readJson(req);
  return json({ app: await updateApp({ id: params.data.id, input: raw, actor: user.username }) });
});
