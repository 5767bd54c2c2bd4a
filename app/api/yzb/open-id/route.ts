import { z } from "zod";
import { guarded } from "@/server/http/guard";
import { invalidInput, json } from "@/server/http/problem";
import { exchangeCode } from "@/server/yzb/yzb-tools";
import { readJson } from "@/server/http/body";

const bodySchema = z
  .object({
    appRef: z.string({ error: "is required" }).regex(/^[a-z0-9]{1,64}$/i, { error: "must be an app id (letters and digits)" }),
    code: z.string({ error: "is required" }).trim().min(1, { error: "is required" }).max(256, { error: "must be at most 256 characters" }),
  })
  .strict();

/** POST /api/yzb/open-id {appRef, code} → {openId}. */
export const POST = guarded("operator", "POST /api/yzb/open-id", async (req: Request, _ctx: unknown, user) => {
  const raw = await readJson(req);
  const body = bodySchema.safeParse(raw);
  if (!body.success) return invalidInput(body.error, "body", ["appRef", "code"]);
  return json(await exchangeCode({ ...body.data, actor: user.username }));
});
