import { z } from "zod";
import { userChangeSchema } from "@/lib/user-input";
import { guarded } from "@/server/auth/guard";
import { HashingBusyError } from "@/server/auth/hash-gate";
import { changeUser, UserInputError } from "@/server/auth/manage-users";
import { hashingBusy, invalidInput, json, problem } from "@/server/http/problem";
import { readJson } from "@/server/http/body";

const paramsSchema = z.object({ id: z.string().regex(/^[a-z0-9]{1,64}$/i) }).strict();

/** PATCH /api/users/:id {role?, disabled?, password?} (admin). */
export const PATCH = guarded("admin", "PATCH /api/users/:id", async (req: Request, ctx: { params: Promise<{ id: string }> }, user) => {
  const params = paramsSchema.safeParse(await ctx.params);
  if (!params.success) return problem(400, "Invalid user id", "id: must be 1–64 letters or digits", { field: "id" });
  const raw = await readJson(req);
  const input = userChangeSchema.safeParse(raw);
  if (!input.success) return invalidInput(input.error, "body", ["role", "disabled", "password"]);
  try {
    const changed = await changeUser(params.data.id, input.data, user.username);
    if (!changed) return problem(404, "User not found", `No user with id ${params.data.id}`);
    return json({ user: changed });
  } catch (err) {
    if (err instanceof UserInputError) return problem(err.status, "Invalid change", `${err.field}: ${err.message}`, { field: err.field });
    if (err instanceof HashingBusyError) return hashingBusy(err.retryAfterSeconds);
    throw err;
  }
});
