import { z } from "zod";
import { textIn } from "@/lib/input-rules";
import { guarded } from "@/server/http/guard";
import { readBody } from "@/server/http/input";
import { json } from "@/server/http/problem";
import { exchangeCode } from "@/server/yzb/yzb-tools";

const bodySchema = z
  .object({
    appRef: z.string({ error: "is required" }).regex(/^[a-z0-9]{1,64}$/i, { error: "must be an app id (letters and digits)" }),
    code: textIn(256, { required: true, trim: true }),
  })
  .strict();

/** POST /api/yzb/open-id {appRef, code} → {openId}. */
export const POST = guarded("operator", "POST /api/yzb/open-id", async (req: Request, _ctx: unknown, user) => {
  const body = await readBody(req, bodySchema);
  return json(await exchangeCode({ input: body, actor: user.username }));
});
