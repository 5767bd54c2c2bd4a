import { z } from "zod";
import { MAX_SILENCE_MINUTES, silenceAlert } from "@/server/alerts/manage-alerts";
import { readJson } from "@/server/http/body";
import { guarded } from "@/server/http/guard";
import { invalidInput, json, problem } from "@/server/http/problem";

const paramsSchema = z.object({ id: z.string().regex(/^[a-z0-9]{1,64}$/i) }).strict();
const bodySchema = z
  .object({
    minutes: z
      .number({ error: `must be a whole number of minutes (0-${MAX_SILENCE_MINUTES})` })
      .int({ error: `must be a whole number of minutes (0-${MAX_SILENCE_MINUTES})` })
      .min(0, { error: `must be a whole number of minutes (0-${MAX_SILENCE_MINUTES})` })
      .max(MAX_SILENCE_MINUTES, { error: `must be a whole number of minutes (0-${MAX_SILENCE_MINUTES})` }),
  })
  .strict();

/** POST /api/alerts/:id/silence {minutes}: hold back its notifications until then; 0 ends a silence (operator; audited). */
export const POST = guarded("operator", "POST /api/alerts/:id/silence", async (req: Request, ctx: { params: Promise<{ id: string }> }, user) => {
  const params = paramsSchema.safeParse(await ctx.params);
  if (!params.success) return problem(400, "Invalid alert id", "id: must be 1–64 letters or digits", { field: "id" });
  const body = bodySchema.safeParse(await readJson(req));
  if (!body.success) return invalidInput(body.error, "body", ["minutes"]);
  return json({ alert: await silenceAlert({ id: params.data.id, minutes: body.data.minutes, actor: user.username }) });
});
