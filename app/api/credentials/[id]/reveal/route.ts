import { z } from "zod";
import { guarded } from "@/server/http/guard";
import { invalidInput, json, problem } from "@/server/http/problem";
import { revealValue } from "@/server/tickets/reveal";
import { readJson } from "@/server/http/body";

const paramsSchema = z
  .object({
    id: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[a-z0-9]+$/i),
  })
  .strict();
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
export const POST = guarded("operator", "POST /api/credentials/:id/reveal", async (req: Request, ctx: { params: Promise<{ id: string }> }, user) => {
  const params = paramsSchema.safeParse(await ctx.params);
  if (!params.success) return problem(400, "Invalid credential id", "id: must be 1–64 letters or digits");
  const raw = await readJson(req);
  const body = bodySchema.safeParse(raw);
  if (!body.success) {
    return invalidInput(body.error, "body", ["action", "versionId"]);
  }
  const revealed = await revealValue({ credentialId: params.data.id, versionId: body.data.versionId ?? null, action: body.data.action, actor: user.username });
  if (!revealed) return problem(404, "Not found", `No such credential or version: ${params.data.id}${body.data.versionId ? ` / ${body.data.versionId}` : ""}`);
  return json(revealed);
});
