import { z } from "zod";
import { textIn } from "@/lib/input-rules";
import { guarded } from "@/server/http/guard";
import { readBody } from "@/server/http/input";
import { json } from "@/server/http/problem";
import { checkCode } from "@/server/yzb/yzb-tools";

const bodySchema = z
  .object({
    appRef: z.string({ error: "is required" }).regex(/^[a-z0-9]{1,64}$/i, { error: "must be an app id (letters and digits)" }),
    type: z.enum(["access_token", "js_ticket"], { error: 'must be "access_token" or "js_ticket"' }),
    code: textIn(512, { required: true, trim: true }),
    openId: textIn(128, { trim: true }).optional(),
  })
  .strict();

/** POST /api/yzb/check {appRef, type, code, openId?} → {valid, vendorExpiresAt | message}. */
export const POST = guarded("operator", "POST /api/yzb/check", async (req: Request, _ctx: unknown, user) => {
  const body = await readBody(req, bodySchema);
  return json(await checkCode({ input: { ...body, openId: body.openId || undefined }, actor: user.username }));
});
