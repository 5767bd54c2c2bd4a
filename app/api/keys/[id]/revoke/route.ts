import { z } from "zod";
import { guarded } from "@/server/http/guard";
import { revokeApiKey } from "@/server/consumer/api-keys";
import { json, problem } from "@/server/http/problem";

const paramsSchema = z.object({ id: z.string().regex(/^[a-z0-9]{1,64}$/i) }).strict();

/** POST /api/keys/:id/revoke (admin): the key stops working at once (idempotent; the record stays). */
export const POST = guarded("admin", "POST /api/keys/:id/revoke", async (_req: Request, ctx: { params: Promise<{ id: string }> }, user) => {
  const params = paramsSchema.safeParse(await ctx.params);
  if (!params.success) return problem(400, "Invalid key id", "id: must be 1–64 letters or digits", { field: "id" });
  return json({ apiKey: await revokeApiKey({ id: params.data.id, actor: user.username }) });
});
