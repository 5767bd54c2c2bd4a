import { jsSdkWithCredential, jsSdkWithTicket } from "@/lib/signature-input";
import { guarded } from "@/server/http/guard";
import { readJsonObject } from "@/server/http/body";
import { parseInput } from "@/server/http/input";
import { json } from "@/server/http/problem";
import { signJsSdk } from "@/server/tickets/sign-jssdk";

/**
 * POST /api/signatures/jssdk: {credentialId | ticket, url, nonceStr, timestamp, pageSignature?} →
 * the JS-SDK signature (a millisecond timestamp is signed as given), and with `pageSignature`
 * whether it matches and why not. With `credentialId` the app's current ticket is used and never returned.
 */
export const POST = guarded("operator", "POST /api/signatures/jssdk", async (req: Request, _ctx: unknown, _user) => {
  const raw = await readJsonObject(req);
  return json(await signJsSdk("ticket" in raw ? parseInput(raw, jsSdkWithTicket, "body") : parseInput(raw, jsSdkWithCredential, "body")));
});
