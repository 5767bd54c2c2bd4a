import { z } from "zod";
import { guarded } from "@/server/http/guard";
import { invalidInput, json, problem } from "@/server/http/problem";
import { credentialHistory } from "@/server/tickets/history";
import { numberIn } from "@/lib/number-rule";

const paramsSchema = z
  .object({
    id: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[a-z0-9]+$/i),
  })
  .strict();
const querySchema = z
  .object({
    limit: numberIn(1, 500, "must be a whole number from 1 to 500", { int: true, coerce: true }).default(100),
    before: z.iso.datetime({ error: "must be an ISO 8601 time such as 2026-11-22T08:00:00Z" }).optional(),
  })
  .strict();

/** GET /api/credentials/:id/history?limit=100&before=<ISO time>: versions and upstream calls, newest first. */
export const GET = guarded("viewer", "GET /api/credentials/:id/history", async (req: Request, ctx: { params: Promise<{ id: string }> }, _user) => {
  const params = paramsSchema.safeParse(await ctx.params);
  if (!params.success) return problem(400, "Invalid credential id", "id: must be 1–64 letters or digits");
  const query = querySchema.safeParse(Object.fromEntries(new URL(req.url).searchParams));
  if (!query.success) {
    return invalidInput(query.error, "query", ["limit", "before"]);
  }
  const history = await credentialHistory(params.data.id, {
    limit: query.data.limit,
    before: query.data.before ? new Date(query.data.before) : undefined,
  });
  if (!history) return problem(404, "Credential not found", `No credential with id ${params.data.id}`);
  return json(history);
});
