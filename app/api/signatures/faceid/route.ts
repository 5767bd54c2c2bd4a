import { faceidWithCredential, faceidWithTicket } from "@/lib/signature-input";
import { guarded } from "@/server/http/guard";
import { readJsonObject } from "@/server/http/body";
import { parseInput } from "@/server/http/input";
import { json } from "@/server/http/problem";
import { signFaceid } from "@/server/tickets/sign-jssdk";

/**
 * POST /api/signatures/faceid {wbappid, userId, nonceStr, version, credentialId | ticket}: SHA1 over
 * the sorted values, with an app's current SIGN ticket (never returned) or a pasted one. Every
 * value is required: an empty one is a 400 naming it, never a signature made without it.
 */
export const POST = guarded("operator", "POST /api/signatures/faceid", async (req: Request, _ctx: unknown, _user) => {
  const raw = await readJsonObject(req);
  return json(await signFaceid("ticket" in raw ? parseInput(raw, faceidWithTicket, "body") : parseInput(raw, faceidWithCredential, "body")));
});
