import { guarded } from "@/server/http/guard";
import { now } from "@/server/clock";
import { json } from "@/server/http/problem";
import { listCredentials } from "@/server/tickets/list-credentials";

export const GET = guarded("viewer", "GET /api/credentials", async (_req: Request, _ctx: unknown, _user) => {
  const credentials = await listCredentials();
  return json({ serverTime: now().toISOString(), credentials });
});
