import { guarded } from "@/server/http/guard";
import { type IdContext, routeId } from "@/server/http/input";
import { updateApp } from "@/server/apps/manage-apps";
import { json } from "@/server/http/problem";
import { readJson } from "@/server/http/body";

/** PATCH /api/apps/:id with the whole form; an empty or missing secret keeps the stored one. */
export const PATCH = guarded("admin", "PATCH /api/apps/:id", async (req: Request, ctx: IdContext, user) => {
  const id = await routeId(ctx, "app");
  const raw = await readJson(req);
  return json({ app: await updateApp({ id, input: raw, actor: user.username }) });
});
