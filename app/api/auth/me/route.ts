import { guarded } from "@/server/http/guard";
import { json } from "@/server/http/problem";

/** GET /api/auth/me: who this session belongs to. */
export const GET = guarded("viewer", "GET /api/auth/me", async (_req, _ctx, user) => json({ user: { username: user.username, role: user.role } }));
