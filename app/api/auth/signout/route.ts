import { guarded } from "@/server/http/guard";
import { clearedCookies, endSession } from "@/server/auth/session";
import { getDb } from "@/server/db";

/** POST /api/auth/signout: ends this session. */
export const POST = guarded("viewer", "POST /api/auth/signout", async (_req, _ctx, user) => {
  await endSession(user.sessionId);
  await getDb().auditEvent.create({ data: { actor: user.username, action: "user.signout", outcome: "signed out" } });
  const headers = new Headers({ "cache-control": "no-store" });
  for (const c of clearedCookies()) headers.append("set-cookie", c);
  return new Response(null, { status: 204, headers });
});
