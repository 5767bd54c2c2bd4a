import { z } from "zod";
import { guarded } from "@/server/http/guard";
import { json, problem } from "@/server/http/problem";
import { checkCredential } from "@/server/tickets/check-credential";

const paramsSchema = z.object({ id: z.string().regex(/^[a-z0-9]{1,64}$/i) }).strict();

/** POST /api/credentials/:id/check: local validity, plus the vendor's check where one exists (yzb). */
export const POST = guarded("operator", "POST /api/credentials/:id/check", async (_req: Request, ctx: { params: Promise<{ id: string }> }, user) => {
  const params = paramsSchema.safeParse(await ctx.params);
  if (!params.success) return problem(400, "Invalid credential id", "id: must be 1–64 letters or digits", { field: "id" });
  const result = await checkCredential(params.data.id, user.username);
  if (!result) return problem(404, "Credential not found", `No credential with id ${params.data.id}`);
  return json(result);
});
