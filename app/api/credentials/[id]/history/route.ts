import { z } from "zod";
import { guarded } from "@/server/http/guard";
import { type IdContext, readQuery, routeId } from "@/server/http/input";
import { json } from "@/server/http/problem";
import { credentialHistory } from "@/server/tickets/history";
import { numberIn } from "@/lib/number-rule";

const querySchema = z
  .object({
    limit: numberIn(1, 500, "must be a whole number from 1 to 500", { int: true, coerce: true }).default(100),
    before: z.iso.datetime({ error: "must be an ISO 8601 time such as 2026-11-22T08:00:00Z" }).optional(),
  })
  .strict();

/** GET /api/credentials/:id/history?limit=100&before=<ISO time>: versions and upstream calls, newest first. */
export const GET = guarded("viewer", "GET /api/credentials/:id/history", async (req: Request, ctx: IdContext, _user) => {
  const credentialId = await routeId(ctx, "credential");
  const { limit, before } = readQuery(req, querySchema);
  return json(await credentialHistory({ input: { credentialId, limit, before: before ? new Date(before) : undefined } }));
});
