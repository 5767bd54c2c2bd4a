import { z } from "zod";
import { guarded } from "@/server/http/guard";
import { type IdContext, readBody, routeId } from "@/server/http/input";
import { setAppEnabled } from "@/server/apps/manage-apps";
import { json } from "@/server/http/problem";

const bodySchema = z.object({ enabled: z.boolean({ error: "must be true or false" }) }).strict();

/** PUT /api/apps/:id/enabled {enabled}: disable or enable an app (nothing is deleted). */
export const PUT = guarded("admin", "PUT /api/apps/:id/enabled", async (req: Request, ctx: IdContext, user) => {
  const id = await routeId(ctx, "app");
  const body = await readBody(req, bodySchema);
  return json({ app: await setAppEnabled({ id, enabled: body.enabled, actor: user.username }) });
});
