import { guarded } from "@/server/http/guard";
import { type IdContext, routeId } from "@/server/http/input";
import { json } from "@/server/http/problem";
import { checkCredential } from "@/server/tickets/check-credential";

/** POST /api/credentials/:id/check: local validity, plus the vendor's check where one exists (yzb). */
export const POST = guarded("operator", "POST /api/credentials/:id/check", async (_req: Request, ctx: IdContext, user) => {
  const credentialId = await routeId(ctx, "credential");
  return json(await checkCredential({ input: { credentialId }, actor: user.username }));
});
