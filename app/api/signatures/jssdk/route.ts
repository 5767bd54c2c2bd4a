import { z } from "zod";
import { guarded } from "@/server/http/guard";
import { readJsonObject } from "@/server/http/body";
import { invalidInput, json } from "@/server/http/problem";
import { signJsSdk, signJsSdkWithTicket } from "@/server/tickets/sign-jssdk";

const common = {
  url: z
    .string({ error: "is required" })
    .min(1, { error: "is required" })
    .max(2048, { error: "must be at most 2048 characters" })
    .refine((u) => URL.canParse(u), { message: "must be an absolute URL (http://… or https://…)" }),
  nonceStr: z
    .string({ error: "is required" })
    .min(1, { error: "is required" })
    .max(64, { error: "must be at most 64 characters" })
    .regex(/^[A-Za-z0-9_-]+$/, { message: "letters, digits, _ and - only" }),
  timestamp: z
    .number({ error: "must be a unix time in seconds" })
    .int({ error: "must be a unix time in seconds" })
    .min(0, { error: "must be a unix time in seconds" })
    .max(4_102_444_800, { error: "must be a unix time in seconds, not milliseconds" }),
};
const withCredential = z.object({ credentialId: z.string().min(1).max(64), ...common }).strict();
const withTicket = z
  .object({ ticket: z.string({ error: "is required" }).min(1, { error: "is required" }).max(512, { error: "must be at most 512 characters" }), ...common })
  .strict();

/**
 * POST /api/signatures/jssdk: {credentialId | ticket, url, nonceStr, timestamp} → the JS-SDK
 * signature. With `credentialId` the app's current ticket is used and never returned.
 */
export const POST = guarded("operator", "POST /api/signatures/jssdk", async (req: Request, _ctx: unknown, _user) => {
  const raw = await readJsonObject(req);
  const pasted = "ticket" in raw;
  const body = pasted ? withTicket.safeParse(raw) : withCredential.safeParse(raw);
  if (!body.success) return invalidInput(body.error, "body", [pasted ? "ticket" : "credentialId", "url", "nonceStr", "timestamp"]);
  return json("ticket" in body.data ? signJsSdkWithTicket(body.data) : await signJsSdk(body.data));
});
