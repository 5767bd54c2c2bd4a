import { signOut } from "@/server/auth/session";
import { guarded } from "@/server/http/guard";
import { clearedCookies, sessionToken } from "@/server/http/session-cookies";
import { sessionGone } from "@/server/live/session-memo";

/** POST /api/auth/signout: ends this session. */
export const POST = guarded("viewer", "POST /api/auth/signout", async (req, _ctx, user) => {
  await signOut({ actor: user });
  // The list's 304 answers from a memory of recently confirmed sessions: this one is gone now.
  sessionGone(sessionToken(req));
  const headers = new Headers({ "cache-control": "no-store" });
  for (const c of clearedCookies()) headers.append("set-cookie", c);
  return new Response(null, { status: 204, headers });
});
