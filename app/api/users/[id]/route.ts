import { userChangeSchema } from "@/lib/user-input";
import { guarded } from "@/server/http/guard";
import { type IdContext, readBody, routeId } from "@/server/http/input";
import { changeUser } from "@/server/auth/manage-users";
import { json } from "@/server/http/problem";

/** PATCH /api/users/:id {role?, disabled?, password?} (admin). */
export const PATCH = guarded("admin", "PATCH /api/users/:id", async (req: Request, ctx: IdContext, user) => {
  const id = await routeId(ctx, "user");
  const input = await readBody(req, userChangeSchema);
  return json({ user: await changeUser({ id, input, actor: user.username }) });
});
