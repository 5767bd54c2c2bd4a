import { z } from "zod";
import { guarded } from "@/server/http/guard";
import { type IdContext, readBody, routeId } from "@/server/http/input";
import { json } from "@/server/http/problem";
import { revealValue } from "@/server/tickets/reveal";

const bodySchema = z
  .object({
    action: z.enum(["reveal", "copy"], { error: 'must be "reveal" or "copy"' }),
    versionId: z
      .string()
      .regex(/^[a-z0-9]{1,64}$/i, { error: "must be a version id (letters and digits)" })
      .optional(),
  })
  .strict();

/** POST /api/credentials/:id/reveal {action, versionId?} → {value, generation}; audited. */
export const POST = guarded("operator", "POST /api/credentials/:id/reveal", async (req: Request, ctx: IdContext, user) => {
  const credentialId = await routeId(ctx, "credential");
  const { action, versionId } = await readBody(req, bodySchema);
  return json(await revealValue({ input: { credentialId, versionId: versionId ?? null, action }, actor: user.username }));
});
