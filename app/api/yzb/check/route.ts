import { z } from "zod";
import { guarded } from "@/server/http/guard";
import { invalidInput, json } from "@/server/http/problem";
import { checkCode } from "@/server/yzb/yzb-tools";
import { readJson } from "@/server/http/body";

const bodySchema = z
  .object({
    appRef: z.string({ error: "is required" }).regex(/^[a-z0-9]{1,64}$/i, { error: "must be an app id (letters and digits)" }),
    type: z.enum(["access_token", "js_ticket"], { error: 'must be "access_token" or "js_ticket"' }),
    code: z.string({ error: "is required" }).trim().min(1, { error: "is required" }).max(512, { error: "must be at most 512 characters" }),
    openId: z.string().trim().max(128, { error: "must be at most 128 characters" }).optional(),
  })
  .strict();

/** POST /api/yzb/check {appRef, type, code, openId?} → {valid, vendorExpiresAt | message}. */
export const POST = guarded("operator", "POST /api/yzb/check", async (req: Request, _ctx: unknown, user) => {
  const raw = await readJson(req);
  const body = bodySchema.safeParse(raw);
  if (!body.success) return invalidInput(body.error, "body", ["appRef", "type", "code", "openId"]);
  return json(await checkCode({ ...body.data, openId: body.data.openId || undefined, actor: user.username }));
});
