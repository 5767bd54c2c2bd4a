import { guarded } from "@/server/http/guard";
import { now } from "@/server/clock";
import { type IdContext, routeId } from "@/server/http/input";
import { json } from "@/server/http/problem";
import { markNonceUsed } from "@/server/nonce/nonce-desk";

/** POST /api/nonce/:id/used: records that the ticket was used (idempotent). */
export const POST = guarded("operator", "POST /api/nonce/:id/used", async (_req: Request, ctx: IdContext, user) => {
  const id = await routeId(ctx, "NONCE");
  const nonce = await markNonceUsed({ input: { id }, actor: user.username });
  return json({ serverTime: now().toISOString(), nonce });
});
