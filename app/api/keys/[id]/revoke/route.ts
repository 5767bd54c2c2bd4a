import { guarded } from "@/server/http/guard";
import { type IdContext, routeId } from "@/server/http/input";
import { revokeApiKey } from "@/server/consumer/api-keys";
import { json } from "@/server/http/problem";

/** POST /api/keys/:id/revoke (admin): the key stops working at once (idempotent; the record stays). */
export const POST = guarded("admin", "POST /api/keys/:id/revoke", async (_req: Request, ctx: IdContext, user) => {
  const id = await routeId(ctx, "key");
  return json({ apiKey: await revokeApiKey({ id, actor: user.username }) });
});
