import { z } from "zod";
import { acknowledgeAlert } from "@/server/alerts/manage-alerts";
import { guarded } from "@/server/http/guard";
import { json, problem } from "@/server/http/problem";

const paramsSchema = z.object({ id: z.string().regex(/^[a-z0-9]{1,64}$/i) }).strict();

/** POST /api/alerts/:id/acknowledge (no body): someone is on it (operator or above; audited). */
export const POST = guarded("operator", "POST /api/alerts/:id/acknowledge", async (_req: Request, ctx: { params: Promise<{ id: string }> }, user) => {
  const params = paramsSchema.safeParse(await ctx.params);
  if (!params.success) return problem(400, "Invalid alert id", "id: must be 1–64 letters or digits", { field: "id" });
  return json({ alert: await acknowledgeAlert({ id: params.data.id, actor: user.username }) });
});
