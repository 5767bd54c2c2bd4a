import { newUserSchema } from "@/lib/user-input";
import { guarded } from "@/server/auth/guard";
import { HashingBusyError } from "@/server/auth/hash-gate";
import { createUser, listUsers, UserInputError } from "@/server/auth/manage-users";
import { hashingBusy, invalidInput, json, problem } from "@/server/http/problem";
import { readJson } from "@/server/http/body";

/** GET /api/users (admin). */
export const GET = guarded("admin", "GET /api/users", async () => json({ users: await listUsers() }));

/** POST /api/users {username, password, role} (admin) → 201. */
export const POST = guarded("admin", "POST /api/users", async (req: Request, _ctx: unknown, user) => {
  const raw = await readJson(req);
  const input = newUserSchema.safeParse(raw);
  if (!input.success) return invalidInput(input.error, "body", ["username", "password", "role"]);
  try {
    return json({ user: await createUser(input.data, user.username) }, { status: 201 });
  } catch (err) {
    if (err instanceof UserInputError) return problem(err.status, "Invalid user", `${err.field}: ${err.message}`, { field: err.field });
    if (err instanceof HashingBusyError) return hashingBusy(err.retryAfterSeconds);
    throw err;
  }
});
