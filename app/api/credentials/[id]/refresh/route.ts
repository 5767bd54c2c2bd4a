import { z } from "zod";
import { guarded } from "@/server/http/guard";
import { readJson } from "@/server/http/body";
import { invalidInput, json, problem } from "@/server/http/problem";
import { refreshByOperator } from "@/server/tickets/refresh-by-operator";

const paramsSchema = z
  .object({
    id: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[a-z0-9]+$/i),
  })
  .strict();
const generation = z
  .number({ error: "must be the generation you saw (a whole number ≥ 0)" })
  .int({ error: "must be the generation you saw (a whole number ≥ 0)" })
  .min(0, { error: "must be the generation you saw (a whole number ≥ 0)" });
const bodySchema = z.object({ ifGeneration: generation.optional() }).strict();

/** POST /api/credentials/:id/refresh {ifGeneration?}: fetch a new value now (a compare-and-refresh with `ifGeneration`). */
export const POST = guarded("operator", "POST /api/credentials/:id/refresh", async (req: Request, ctx: { params: Promise<{ id: string }> }, user) => {
  const params = paramsSchema.safeParse(await ctx.params);
  if (!params.success) return problem(400, "Invalid credential id", "id: must be 1–64 letters or digits");
  // The body is optional (a plain POST refreshes unconditionally).
  const hasBody = req.headers.get("content-length") !== "0" && (req.headers.has("content-type") || req.headers.has("transfer-encoding"));
  const body = bodySchema.safeParse(hasBody ? await readJson(req) : {});
  if (!body.success) return invalidInput(body.error, "body", ["ifGeneration"]);
  return json(await refreshByOperator({ input: { credentialId: params.data.id, ifGeneration: body.data.ifGeneration }, actor: user.username }));
});
