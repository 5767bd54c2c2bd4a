import { signOut } from "@/server/auth/session";
import { guarded } from "@/server/http/guard";
import { clearedCookies } from "@/server/http/session-cookies";

/** POST /api/auth/signout: ends this session. */
export const POST = guarded("viewer", "POST /api/auth/signout", async (_req, _ctx, user) => {
  await signOut({ actor: user });
  const headers = new Headers({ "cache-control": "no-store" });
  for (const c of clearedCookies()) headers.append("set-cookie", c);
  return new Response(null, { status: 204, headers });
});
