import { newUserSchema } from "@/lib/user-input";
import { guarded } from "@/server/http/guard";
import { readBody } from "@/server/http/input";
import { createUser, listUsers } from "@/server/auth/manage-users";
import { json } from "@/server/http/problem";

/** GET /api/users (admin). */
export const GET = guarded("admin", "GET /api/users", async () => json({ users: await listUsers() }));

/** POST /api/users {username, password, role} (admin) → 201. */
export const POST = guarded("admin", "POST /api/users", async (req: Request, _ctx: unknown, user) => {
  const input = await readBody(req, newUserSchema);
  return json({ user: await createUser({ input, actor: user.username }) }, { status: 201 });
});
