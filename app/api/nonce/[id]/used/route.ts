import { z } from "zod";
import { guarded } from "@/server/http/guard";
import { now } from "@/server/clock";
import { json, problem } from "@/server/http/problem";
import { markNonceUsed } from "@/server/nonce/nonce-desk";

const paramsSchema = z.object({ id: z.string().regex(/^[a-z0-9]{1,64}$/i) }).strict();

/** POST /api/nonce/:id/used: records that the ticket was used (idempotent). */
export const POST = guarded("operator", "POST /api/nonce/:id/used", async (_req: Request, ctx: { params: Promise<{ id: string }> }, user) => {
  const params = paramsSchema.safeParse(await ctx.params);
  if (!params.success) return problem(400, "Invalid NONCE id", "id: must be 1–64 letters or digits", { field: "id" });
  const nonce = await markNonceUsed(params.data.id, user.username);
  if (!nonce) return problem(404, "NONCE ticket not found", `No NONCE ticket with id ${params.data.id}`);
  return json({ serverTime: now().toISOString(), nonce });
});
