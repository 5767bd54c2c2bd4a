import { z } from "zod";
import { numberIn } from "@/lib/number-rule";
import { guarded } from "@/server/http/guard";
import { type IdContext, readBody, routeId } from "@/server/http/input";
import { json } from "@/server/http/problem";
import { refreshByOperator } from "@/server/tickets/refresh-by-operator";

const generation = numberIn(0, Number.MAX_SAFE_INTEGER, "must be the generation you saw (a whole number ≥ 0)", { int: true });
const bodySchema = z.object({ ifGeneration: generation.optional() }).strict();

/** POST /api/credentials/:id/refresh {ifGeneration?}: fetch a new value now (a compare-and-refresh with `ifGeneration`). */
export const POST = guarded("operator", "POST /api/credentials/:id/refresh", async (req: Request, ctx: IdContext, user) => {
  const credentialId = await routeId(ctx, "credential");
  // The body is optional (a plain POST refreshes unconditionally).
  const hasBody = req.headers.get("content-length") !== "0" && (req.headers.has("content-type") || req.headers.has("transfer-encoding"));
  const { ifGeneration } = hasBody ? await readBody(req, bodySchema) : {};
  return json(await refreshByOperator({ input: { credentialId, ifGeneration }, actor: user.username }));
});
