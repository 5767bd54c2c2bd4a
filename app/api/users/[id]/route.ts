import { z } from "zod";
import { userChangeSchema } from "@/lib/user-input";
import { guarded } from "@/server/http/guard";
import { changeUser } from "@/server/auth/manage-users";
import { invalidInput, json, problem } from "@/server/http/problem";
import { readJson } from "@/server/http/body";

const paramsSchema = z.object({ id: z.string().regex(/^[a-z0-9]{1,64}$/i) }).strict();

/** PATCH /api/users/:id {role?, disabled?, password?} (admin). */
export const PATCH = guarded("admin", "PATCH /api/users/:id", async (req: Request, ctx: { params: Promise<{ id: string }> }, user) => {
  const params = paramsSchema.safeParse(await ctx.params);
  if (!params.success) return problem(400, "Invalid user id", "id: must be 1–64 letters or digits", { field: "id" });
  const raw = await readJson(req);
  const input = userChangeSchema.safeParse(raw);
  if (!input.success) return invalidInput(input.error, "body", ["role", "disabled", "password"]);
  return json({ user: await changeUser({ id: params.data.id, input: input.data, actor: user.username }) });
});
