import { z } from "zod";
import { guarded } from "@/server/http/guard";
import { readBody } from "@/server/http/input";
import { json } from "@/server/http/problem";
import { signFaceid } from "@/server/tickets/sign-jssdk";

const bodySchema = z
  .object({
    values: z
      .array(z.string({ error: "must be strings" }).max(512, { error: "each must be at most 512 characters" }), { error: "must be a list of strings" })
      .min(1, { error: "must hold at least one value" })
      .max(10, { error: "must hold at most 10 values" }),
    credentialId: z
      .string()
      .regex(/^[a-z0-9]{1,64}$/i, { error: "must be a credential id (letters and digits)" })
      .optional(),
  })
  .strict();

/** POST /api/signatures/faceid {values, credentialId?}: SHA1 over the sorted values (+ the current SIGN ticket). */
export const POST = guarded("operator", "POST /api/signatures/faceid", async (req: Request, _ctx: unknown, _user) => {
  const body = await readBody(req, bodySchema);
  return json(await signFaceid(body));
});
