import { z } from "zod";
import { textIn, unixSeconds } from "@/lib/input-rules";
import { guarded } from "@/server/http/guard";
import { readJsonObject } from "@/server/http/body";
import { parseInput } from "@/server/http/input";
import { json } from "@/server/http/problem";
import { signJsSdk, signJsSdkWithTicket } from "@/server/tickets/sign-jssdk";

const common = {
  url: textIn(2048, { required: true }).refine((u) => URL.canParse(u), { message: "must be an absolute URL (http://… or https://…)" }),
  nonceStr: textIn(64, { required: true }).regex(/^[A-Za-z0-9_-]+$/, { message: "letters, digits, _ and - only" }),
  timestamp: unixSeconds(),
};
const withCredential = z.object({ credentialId: z.string().min(1).max(64), ...common }).strict();
const withTicket = z.object({ ticket: textIn(512, { required: true }), ...common }).strict();

/**
 * POST /api/signatures/jssdk: {credentialId | ticket, url, nonceStr, timestamp} → the JS-SDK
 * signature. With `credentialId` the app's current ticket is used and never returned.
 */
export const POST = guarded("operator", "POST /api/signatures/jssdk", async (req: Request, _ctx: unknown, _user) => {
  const raw = await readJsonObject(req);
  if ("ticket" in raw) return json(signJsSdkWithTicket(parseInput(raw, withTicket, "body")));
  return json(await signJsSdk(parseInput(raw, withCredential, "body")));
});
