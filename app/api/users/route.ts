import { newUserSchema } from "@/lib/user-input";
import { guarded } from "@/server/http/guard";
import { createUser, listUsers } from "@/server/auth/manage-users";
import { invalidInput, json } from "@/server/http/problem";
import { readJson } from "@/server/http/body";

/** GET /api/users (admin). */
export const GET = guarded("admin", "GET /api/users", async () => json({ users: await listUsers() }));

/** POST /api/users {username, password, role} (admin) → 201. */
export const POST = guarded("admin", "POST /api/users", async (req: Request, _ctx: unknown, user) => {
  const raw = await readJson(req);
  const input = newUserSchema.safeParse(raw);
  if (!input.success) return invalidInput(input.error, "body", ["username", "password", "role"]);
  return json({ user: await createUser({ input: input.data, actor: user.username }) }, { status: 201 });
});
